import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransientNetworkError, retry } from './retry.ts';

describe('retry', () => {
  it('retries what the classifier allows, with exponential full-jitter delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 3) throw new Error('503');
        return 'ok';
      },
      {
        attempts: 5,
        baseDelayMs: 100,
        classify: () => 'retry',
        random: () => 1,
        sleep: async (ms) => void delays.push(ms),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('stops at once when the classifier says stop, and after the last attempt', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('400');
        },
        { attempts: 5, classify: () => 'stop', sleep: async () => {} },
      ),
    ).rejects.toThrow('400');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('503');
        },
        { attempts: 3, classify: () => 'retry', sleep: async () => {} },
      ),
    ).rejects.toThrow('503');
    expect(calls).toBe(3);
  });

  it('caps the delay and keeps it within [0, ceiling]', () => {
    expect(backoffDelay(10, 200, 5000, () => 1)).toBe(5000);
    expect(backoffDelay(1, 200, 5000, () => 0)).toBe(0);
    expect(backoffDelay(3, 200, 5000, () => 0.5)).toBe(400);
  });
});

describe('isTransientNetworkError', () => {
  it.each([
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }), true],
    [new Error('HTTP 400 Bad Request'), false],
    ['a string', false],
  ])('classifies %s as %s', (error, expected) => {
    expect(isTransientNetworkError(error)).toBe(expected);
  });
});
