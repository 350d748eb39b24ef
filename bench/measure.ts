// What both benchmarks measure with: timing, min/median, ratios, and skopeo run with an empty
// blob-info cache. Figures are taken the same way in every benchmark so their ratios compare.
import { readFileSync } from 'node:fs';
import { execChecked } from '@bakeline/toolkit';

export interface Stats {
  min: number;
  median: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { min: sorted[0] ?? 0, median };
}

/** bakeline / peer, of the minimums and of the medians. */
export function ratio(bakeline: readonly number[], peer: readonly number[]): Stats {
  return { min: stats(bakeline).min / stats(peer).min, median: stats(bakeline).median / stats(peer).median };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Untimed, before a timed run: writes back the dirty pages earlier runs left (a registry's storage,
 * a layout), so the kernel's write-back does not land inside whichever tool runs next.
 */
export async function settle(): Promise<void> {
  await execChecked('sync', []);
}

/** Fails the benchmark when a tool gave fewer samples than asked (a peer that did not run). */
export function checkSampleCounts(samples: Record<string, readonly number[]>, runs: number): void {
  for (const [name, list] of Object.entries(samples)) {
    if (list.length !== runs) throw new Error(`${name}: ${list.length} samples, expected ${runs}: a peer did not run`);
  }
}

// skopeo's blob-info cache lives in /var/lib/containers/cache (root): an empty tmpfs over it, in a
// private mount namespace, gives each run an empty cache without touching anyone else's.
const EMPTY_CACHE = [
  '--mount',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mkdir -p /var/lib/containers/cache && mount -t tmpfs none /var/lib/containers/cache && exec "$@"',
  'sh',
];

/** `skopeo <args>` with an empty blob-info cache, so it cannot skip or mount a blob it met before. */
export async function skopeoWithEmptyCache(args: readonly string[]): Promise<void> {
  await execChecked('unshare', [...EMPTY_CACHE, 'skopeo', ...args], { timeoutMs: 600_000 });
}

/** What the empty cache costs skopeo (inside its samples), timed on its own. */
export function emptyCacheOverhead(): Promise<number> {
  return timed(() => execChecked('unshare', [...EMPTY_CACHE, 'true']));
}

export function formatLine(name: string, samples: readonly number[], width: number): string {
  const s = stats(samples);
  const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(9);
  return `${name.padEnd(width)} min ${ms(s.min)}  median ${ms(s.median)}`;
}

export function formatRatio(name: string, r: Stats, target?: number): string {
  const goal = target === undefined ? '' : ` (target <= ${target}x)`;
  return `ratio ${name}: min ${r.min.toFixed(3)}x, median ${r.median.toFixed(3)}x${goal}`;
}

/** min/median of each named list of samples. */
export function statsOf<K extends string>(samples: Record<K, readonly number[]>): Record<K, Stats> {
  return Object.fromEntries(Object.entries<readonly number[]>(samples).map(([k, v]) => [k, stats(v)])) as Record<
    K,
    Stats
  >;
}

/** The two compared sides in the order of run `run`: `a` first on even runs, `b` first on odd ones. */
export function alternate<T>(run: number, a: T, b: T): [T, T] {
  return run % 2 === 0 ? [a, b] : [b, a];
}

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

/** The 1-, 5- and 15-minute load averages of /proc/loadavg's text. */
export function parseLoadAverage(text: string): LoadAverage {
  const [one, five, fifteen] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (one === undefined || five === undefined || fifteen === undefined || [one, five, fifteen].some(Number.isNaN)) {
    throw new Error(`/proc/loadavg: got '${text.trim()}'; expected three load averages first`);
  }
  return { one, five, fifteen };
}

/** The machine's load averages now (the benchmarks record them with their figures). */
export function loadAverage(): LoadAverage {
  return parseLoadAverage(readFileSync('/proc/loadavg', 'utf8'));
}
