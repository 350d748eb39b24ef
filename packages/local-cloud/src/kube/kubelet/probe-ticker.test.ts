import { describe, expect, test } from 'vitest';
import { ProbeTicker } from './probe-ticker.ts';

/** The start times of `count` probes that each take `durationMs`, as the ticker spaces them. */
function probeStarts(periodSeconds: number, durationMs: number, count: number): number[] {
  let clock = 1_000_000;
  const ticker = new ProbeTicker(periodSeconds, () => clock);
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    starts.push(clock - 1_000_000);
    clock += durationMs;
    clock += ticker.next();
  }
  return starts;
}

describe('ProbeTicker', () => {
  test('a probe runs every period, however long each probe took within it', () => {
    expect(probeStarts(2, 10, 4)).toEqual([0, 2000, 4000, 6000]);
    // three probes that each wait out a 1 s timeout: failureThreshold 3 is reached after 6 s, not 9 s
    expect(probeStarts(2, 1000, 4)).toEqual([0, 2000, 4000, 6000]);
  });

  test('a probe slower than the period is followed at once by the next; the ticks it overran are dropped', () => {
    expect(probeStarts(1, 1500, 4)).toEqual([0, 1500, 3000, 4500]);
    expect(probeStarts(1, 2500, 3)).toEqual([0, 2500, 5000]);
  });

  test('after an overrun, the ticker keeps its own phase', () => {
    let clock = 0;
    const ticker = new ProbeTicker(1, () => clock);
    clock = 1500; // the first probe overran tick 1
    expect(ticker.next()).toBe(0);
    clock = 1600; // the second probe was quick: the next tick is 2000, not 2600
    expect(ticker.next()).toBe(400);
  });
});
