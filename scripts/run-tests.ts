// Runs every suite (lint, typecheck, bundle drift, unit and integration tests), then prints the
// totals as its last line, `N passed, N failed`, and exits non-zero on any failure.
//   node scripts/run-tests.ts [--unit] [vitest filters...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { claimTestTempRoot } from './test-temp-root.ts';

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
}

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));
const results: SuiteResult[] = [];

// Every suite's temp files go under one directory, removed when the run ends (Ctrl-C included:
// the suites get the signal; this process waits for them, then cleans up).
const temp = claimTestTempRoot();
process.on('SIGINT', () => {});
process.on('exit', () => temp.remove());

const timings: { title: string; seconds: number }[] = [];

function run(title: string, command: string, argv: string[]): number {
  console.log(`\n=== ${title}: ${[command, ...argv].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(command, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: temp.dir } });
  timings.push({ title, seconds: (Date.now() - started) / 1000 });
  return r.status ?? 1;
}

function checkSuite(name: string, command: string, argv: string[]): void {
  const ok = run(name, command, argv) === 0;
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
}

checkSuite('lint (biome)', bin('biome'), ['check', '.']);
checkSuite('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
checkSuite('reliability figures up to date (summary.json, README)', process.execPath, [
  'scripts/reliability-figures.ts',
  '--check',
]);
checkSuite('bundles up to date (check-dist)', process.execPath, ['scripts/build-bundles.ts', '--check']);
// the bundling above must leave pnpm's store as installed: an offline install (the release
// workflow's test) refuses a store whose packages were written to through node_modules
checkSuite('package store untouched (pnpm store status)', 'pnpm', ['store', 'status']);

const out = mkdtempSync(join(tmpdir(), 'bakeline-vitest-'));
const report = join(out, 'report.json');
const projects = unitOnly ? ['--project', 'unit'] : [];
const status = run('tests (vitest)', bin('vitest'), [
  'run',
  ...projects,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...filters,
]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
    testResults: { name: string; status: string; startTime: number; endTime: number; assertionResults: unknown[] }[];
  };
  // where the time goes: the slowest files, to keep the command within its budget
  const slowest = [...json.testResults].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime));
  console.log('\n=== slowest test files');
  for (const f of slowest.slice(0, 15)) {
    console.log(`  ${((f.endTime - f.startTime) / 1000).toFixed(1).padStart(7)} s  ${relative(root, f.name)}`);
  }
  // A file that fails to load (a syntax error, a throwing import) has no tests: count it as one failure.
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  for (const f of brokenFiles) console.log(`  test file failed to load: ${f.name}`);
  const failed = json.numFailedTests + brokenFiles.length;
  results.push({ name: 'vitest', passed: json.numPassedTests, failed: failed || (status === 0 ? 0 : 1) });
  if (json.numTotalTests === 0) results.push({ name: 'vitest ran no test', passed: 0, failed: 1 });
} catch {
  results.push({ name: 'vitest (no report)', passed: 0, failed: 1 });
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log('\n=== time by suite');
for (const t of timings) console.log(`  ${t.seconds.toFixed(1).padStart(7)} s  ${t.title}`);
console.log('\n=== totals by suite');
for (const r of results) console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
