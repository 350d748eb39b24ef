// Sums up the reliability suites' figures (test/reliability/results/*.json, written by the suites)
// into test/reliability/results/summary.json and the README's "Reliability" tables.
//   node scripts/reliability-figures.ts           rewrite summary.json and the README tables
//   node scripts/reliability-figures.ts --check   fail if either differs from the suites' files
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ResultFiles, renderReadme, SUITE_FILES, type Summary, summarize } from './reliability/summary.ts';

const root = join(import.meta.dirname, '..');
export const RESULTS_DIR = join(root, 'test', 'reliability', 'results');
export const SUMMARY_FILE = join(RESULTS_DIR, 'summary.json');
export const README_FILE = join(root, 'README.md');

export function readResultFiles(dir = RESULTS_DIR): ResultFiles {
  const files: ResultFiles = {};
  for (const name of Object.values(SUITE_FILES)) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    try {
      files[name] = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch (error) {
      throw new Error(`${name}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
  }
  return files;
}

export function summaryText(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Rewrites summary.json and the README tables from the suites' files; returns what it read. */
export function writeFigures(): Summary {
  const summary = summarize(readResultFiles());
  writeFileSync(SUMMARY_FILE, summaryText(summary));
  writeFileSync(README_FILE, renderReadme(readFileSync(README_FILE, 'utf8'), summary));
  return summary;
}

/** What is out of date: summary.json against the suites' files, the README tables against summary.json. */
export function staleFigures(): string[] {
  const summary = summarize(readResultFiles());
  const current = existsSync(SUMMARY_FILE) ? readFileSync(SUMMARY_FILE, 'utf8') : '';
  const readme = readFileSync(README_FILE, 'utf8');
  return [
    ...(current === summaryText(summary) ? [] : ['test/reliability/results/summary.json']),
    ...(readme === renderReadme(readme, summary) ? [] : ['README.md (Reliability)']),
  ];
}

function main(args: readonly string[]): number {
  if (args.includes('--check')) {
    const stale = staleFigures();
    if (stale.length > 0) {
      console.error(`reliability figures out of date: ${stale.join(', ')}; run node scripts/reliability-figures.ts`);
      return 1;
    }
    console.log('reliability figures: summary.json and the README agree with the suites');
    return 0;
  }
  const summary = writeFigures();
  console.log(
    `reliability figures written: test/reliability/results/summary.json, README.md (from ${summary.sources.join(', ') || 'no suite'})`,
  );
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
