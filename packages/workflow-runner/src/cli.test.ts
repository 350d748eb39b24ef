// The CLI as a user runs it: exit codes, the printed job/step lines, the outputs, --json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const corpus = resolve(import.meta.dirname, '../../../test/workflows/corpus');
const cli = join(import.meta.dirname, 'cli.ts');

function runCli(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: corpus });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('prints jobs, steps and outputs, writes the JSON summary, exits 0', () => {
  const json = join(mkdtempSync(join(temp, 'case-')), 'summary.json');
  const r = runCli(
    'run',
    '.github/workflows/call-01.yml',
    '--event',
    'workflow_dispatch',
    '--input',
    'who=ann',
    '--environments',
    'environments.yml',
    '--json',
    json,
  );
  expect(r.code).toBe(0);
  expect(r.out).toContain('▶ workflow .github/workflows/call-01.yml');
  expect(r.out).toContain('  ● job call');
  expect(r.out).toMatch(/✓ job use: success/);
  expect(r.out).toContain('  use.outputs.greeting = HELLO ANN!HELLO ANN!');
  expect(r.out).toContain('result: success');
  const summary = JSON.parse(readFileSync(json, 'utf8')) as {
    result: string;
    jobs: { id: string; workflow?: { outputs: Record<string, string> } }[];
  };
  expect(summary.result).toBe('success');
  expect(summary.jobs[0]?.workflow?.outputs.greeting).toBe('HELLO ANN!HELLO ANN!');
});

test('a failed workflow exits 1 and names the failed step', () => {
  const r = runCli('run', '.github/workflows/failure-01.yml', '--event', 'push', '--quiet');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/✗ Run false: failure|✗ Run echo "about to fail": failure/);
  expect(r.out).toContain('result: failure');
});

test.each([
  [
    ['run', '.github/workflows/always-01.yml'],
    /--event: got ''; expected one of push, pull_request, workflow_dispatch, workflow_call/,
  ],
  [
    ['run', '.github/workflows/unsupported-01.yml', '--event', 'push'],
    /key 'strategy' is not supported by the local runner/,
  ],
  [
    ['run', '.github/workflows/always-01.yml', '--event', 'push', '--input', 'novalue'],
    /--input: got 'novalue'; expected name=value/,
  ],
  [
    [
      'run',
      '.github/workflows/environments-01.yml',
      '--event',
      'workflow_dispatch',
      '--environments',
      'environments.yml',
      '--approve',
      'qa',
    ],
    /--approve: environment 'qa' is not defined in environments.yml/,
  ],
])('%j exits 2 with a clear error', (args, message) => {
  const r = runCli(...args);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
});

test('--job runs only the named job; its needs count as met, with no outputs (like act -j)', () => {
  const r = runCli('run', '.github/workflows/failure-01.yml', '--event', 'push', '--job', 'after');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/✓ job after: success/);
  expect(r.out).not.toContain('about to fail');
  expect(r.out).toContain('- job tolerant: skipped — not selected (--job)');
});

test('--job with a job the workflow does not have is an error naming its jobs', () => {
  const r = runCli('run', '.github/workflows/failure-01.yml', '--event', 'push', '--job', 'nope');
  expect(r.code).not.toBe(0);
  expect(r.err).toContain('--job nope: ');
  expect(r.err).toContain('has no such job (jobs: tolerant, strict, after)');
});
