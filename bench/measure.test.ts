import { describe, expect, it } from 'vitest';
import { alternate, checkSampleCounts, formatRatio, parseLoadAverage, ratio, stats, statsOf } from './measure.ts';

describe('stats', () => {
  it('takes the middle sample of an odd count and the mean of the two middle ones of an even count', () => {
    expect(stats([30, 10, 20])).toEqual({ min: 10, median: 20 });
    expect(stats([40, 10, 30, 20])).toEqual({ min: 10, median: 25 });
  });
});

describe('ratio', () => {
  it('divides bakeline by the peer, minimum by minimum and median by median', () => {
    expect(ratio([50, 60, 100], [100, 200, 400])).toEqual({ min: 0.5, median: 0.3 });
  });
});

describe('checkSampleCounts', () => {
  it('fails naming the tool that gave fewer samples than asked', () => {
    expect(() => checkSampleCounts({ bakeline: [1, 2], skopeo: [1] }, 2)).toThrow(
      'skopeo: 1 samples, expected 2: a peer did not run',
    );
    expect(() => checkSampleCounts({ bakeline: [1, 2], skopeo: [1, 2] }, 2)).not.toThrow();
  });
});

describe('formatRatio', () => {
  it('prints both ratios and the target when there is one', () => {
    expect(formatRatio('push / skopeo', { min: 0.7161, median: 0.75 }, 1)).toBe(
      'ratio push / skopeo: min 0.716x, median 0.750x (target <= 1x)',
    );
    expect(formatRatio('a / b', { min: 2, median: 3 })).toBe('ratio a / b: min 2.000x, median 3.000x');
  });
});

describe('statsOf', () => {
  it('gives min and median per named list', () => {
    expect(statsOf({ a: [3, 1, 2], b: [10, 20] })).toEqual({ a: { min: 1, median: 2 }, b: { min: 10, median: 15 } });
  });
});

describe('alternate', () => {
  it('puts the first side first on even runs and second on odd runs', () => {
    expect(alternate(0, 'bakeline', 'peer')).toEqual(['bakeline', 'peer']);
    expect(alternate(1, 'bakeline', 'peer')).toEqual(['peer', 'bakeline']);
    expect(alternate(4, 'bakeline', 'peer')).toEqual(['bakeline', 'peer']);
  });
});

describe('parseLoadAverage', () => {
  it('reads the three load averages of /proc/loadavg', () => {
    expect(parseLoadAverage('8.50 3.78 2.24 9/618 28603\n')).toEqual({ one: 8.5, five: 3.78, fifteen: 2.24 });
  });

  it('fails naming the text when it is not a load average', () => {
    expect(() => parseLoadAverage('busy')).toThrow("/proc/loadavg: got 'busy'; expected three load averages first");
  });
});
