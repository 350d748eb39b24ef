import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './concurrency.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 4, 3, 2, 1, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return n * 2;
    });
    expect(out).toEqual([10, 8, 6, 4, 2, 0]);
    expect(peak).toBe(2);
  });

  it('starts nothing new after a failure and rejects once the running ones settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const error = await mapConcurrent([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 1) throw new Error('boom');
      return n;
    }).catch((e: unknown) => e);
    expect(String(error)).toContain('boom');
    expect(started).toEqual([1, 2]);
    expect(settled).toBe(2);
  });
});
