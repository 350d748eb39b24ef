// `concurrency:` across runs of one process, through whole workflow runs (corpus
// concurrency-01..03): how GitHub serializes deployments to one environment. Each run holds its
// deployment step until the test opens a gate file, so what waits, what is replaced and what is
// cancelled is seen while the first deployment is still running.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConcurrencyGroups } from './concurrency-groups.ts';
import { loadEnvironments } from './environments.ts';
import { runWorkflow } from './run.ts';
import type { JobResult, RunEvent, WorkflowResult } from './run-types.ts';

const corpus = resolve(import.meta.dirname, '../../../test/workflows/corpus');
const bakelineRoot = resolve(import.meta.dirname, '../../../test/workflows/fixtures/bakeline-root');
const environments = loadEnvironments(join(corpus, 'environments.yml'));

let dir: string;
let gate: string;
let groups: ConcurrencyGroups;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bakeline-concurrency-'));
  gate = join(dir, 'gate');
  groups = new ConcurrencyGroups();
});

afterEach(() => {
  writeFileSync(gate, ''); // never leave a run waiting
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  marker: string;
  done: Promise<WorkflowResult>;
  logs: string[];
}

function start(file: string, marker: string, inputs: Record<string, string>): Started {
  const logs: string[] = [];
  const done = runWorkflow({
    workflow: join(corpus, '.github/workflows', file),
    event: 'workflow_dispatch',
    repoDir: corpus,
    bakelineRoot,
    environments,
    runDir: join(dir, `run-${marker}`),
    concurrency: groups,
    inputs: { gate, marker, ...inputs },
    onEvent: (e: RunEvent) => {
      if (e.type === 'log') logs.push(e.line);
      if (e.type === 'note') logs.push(e.message);
    },
  }).then((o) => o.result);
  return { marker, done, logs };
}

/** Waits (bounded) until the run's deployment step has started. */
async function deploying(run: Started, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(`${gate}.started-${run.marker}`)) {
    if (Date.now() > deadline) throw new Error(`run ${run.marker} did not start deploying within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits (bounded) until the registry shows `pending` waiting in some group. */
async function pendingIs(label: string | undefined, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groups.snapshot().find((g) => g.pending !== undefined)?.pending !== label) {
    if (Date.now() > deadline) throw new Error(`no pending ${label}: ${JSON.stringify(groups.snapshot())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const started = (marker: string) => existsSync(`${gate}.started-${marker}`);

function job(result: WorkflowResult, id: string): JobResult {
  const found = result.jobs.find((j) => j.id === id);
  if (found === undefined) throw new Error(`no job ${id}`);
  return found;
}

const stepConclusions = (j: JobResult) => j.steps.map((s) => `${s.name}: ${s.conclusion}`);

describe('job-level concurrency across runs (deployments to one environment)', () => {
  test('a pending deployment is replaced by a newer one; the running one completes; the newest runs after it', async () => {
    const a = start('concurrency-01.yml', 'a', { target: 'dev' });
    await deploying(a);
    const b = start('concurrency-01.yml', 'b', { target: 'dev' });
    await pendingIs("job 'deploy'");
    const c = start('concurrency-01.yml', 'c', { target: 'dev' });

    const replaced = await b.done;
    expect(replaced.result).toBe('cancelled');
    expect(job(replaced, 'deploy')).toMatchObject({
      result: 'cancelled',
      error: "Canceling since a higher priority waiting request for 'deploy-dev' exists",
    });
    expect(job(replaced, 'after').result).toBe('skipped');
    expect(started('b')).toBe(false);
    expect(started('c'), 'c waits while a deploys').toBe(false);
    expect(c.logs).toContain("Waiting for a running job 'deploy' to complete (concurrency group 'deploy-dev')");

    writeFileSync(gate, '');
    const first = await a.done;
    expect(first.result).toBe('success');
    expect(stepConclusions(job(first, 'deploy'))).toEqual([
      'deploying, until the gate opens: success',
      'deployed: success',
      'clean up: success',
    ]);
    const newest = await c.done;
    expect(newest.result).toBe('success');
    expect(job(newest, 'after').result).toBe('success');
    expect(groups.snapshot()).toEqual([]);
  });

  test('a running deployment is never cancelled when cancel-in-progress is false', async () => {
    const a = start('concurrency-01.yml', 'a', { target: 'prod' });
    await deploying(a);
    const b = start('concurrency-01.yml', 'b', { target: 'prod', cancel: 'false' });
    await pendingIs("job 'deploy'");
    expect(started('b'), 'b waits while a deploys').toBe(false);
    writeFileSync(gate, '');
    const [first, second] = await Promise.all([a.done, b.done]);
    expect([first.result, second.result]).toEqual(['success', 'success']);
    expect(stepConclusions(job(first, 'deploy'))).toEqual([
      'deploying, until the gate opens: success',
      'deployed: success',
      'clean up: success',
    ]);
  });

  test('with cancel-in-progress: true the running deployment is stopped mid-step (its always() step still runs), then the new one runs', async () => {
    const a = start('concurrency-01.yml', 'a', { target: 'test' });
    await deploying(a);
    const b = start('concurrency-01.yml', 'b', { target: 'test', cancel: 'true' });
    const cancelled = await a.done; // the gate stays shut: a's step is stopped, not finished
    expect(cancelled.result).toBe('cancelled');
    expect(job(cancelled, 'deploy')).toMatchObject({
      result: 'cancelled',
      error: "Canceling since a higher priority waiting request for 'deploy-test' exists",
    });
    expect(stepConclusions(job(cancelled, 'deploy'))).toEqual([
      'deploying, until the gate opens: cancelled',
      'deployed: skipped',
      'clean up: success',
    ]);
    expect(job(cancelled, 'deploy').steps[0]?.error).toBe('The operation was canceled.');
    expect(job(cancelled, 'after').result).toBe('skipped');
    await deploying(b);
    writeFileSync(gate, '');
    const newer = await b.done;
    expect(newer.result).toBe('success');
  });

  test('deployments in different groups run in parallel', async () => {
    const dev = start('concurrency-01.yml', 'dev', { target: 'dev' });
    const prod = start('concurrency-01.yml', 'prod', { target: 'prod' });
    await Promise.all([deploying(dev), deploying(prod)]);
    expect(groups.snapshot().filter((g) => g.pending !== undefined)).toEqual([]);
    writeFileSync(gate, '');
    expect((await Promise.all([dev.done, prod.done])).map((r) => r.result)).toEqual(['success', 'success']);
  });
});

describe('workflow-level concurrency', () => {
  test('a whole run waits for the run holding its group (names compared case-insensitively)', async () => {
    const a = start('concurrency-02.yml', 'a', { target: 'eu' });
    await deploying(a);
    const b = start('concurrency-02.yml', 'b', { target: 'EU' });
    await pendingIs("workflow 'release'");
    expect(started('b')).toBe(false);
    writeFileSync(gate, '');
    expect((await Promise.all([a.done, b.done])).map((r) => r.result)).toEqual(['success', 'success']);
  });

  test('a called workflow whose group its caller holds is cancelled as a deadlock', async () => {
    const run = start('concurrency-02.yml', 'a', { target: 'eu', deadlock: 'true' });
    const result = await run.done;
    expect(result.result).toBe('cancelled');
    const nested = job(result, 'nested');
    expect(nested.result).toBe('cancelled');
    expect(nested.workflow?.notes).toContain(
      "Canceling since a deadlock for concurrency group 'RELEASE-eu' was detected between 'workflow 'release'' and 'workflow 'release-nested''",
    );
    expect(groups.snapshot()).toEqual([]);
  });
});
