// The caller example's build.yml with the real actions against the local cloud: the chain stops
// where it must and nothing reaches ECR. A failing unit test stops it at `build`; a failing
// platform check stops it before `publish`; an image archive altered between `build` and `publish`
// is refused by publish's digest verification before anything is sent to the registry.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBaseImage } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { silentLogger } from '@bakeline/toolkit';
import { httpIdTokenIssuer, loadEnvironments, type RunEvent, runWorkflow } from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/licensing-service');
const REPOSITORY = 'bakeline-dev/licensing-service';
const ARTIFACT = 'bakeline-oci-licensing-service';

let cloud: LocalCloud;
let environmentsFile: string;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-pipeline-'));
  cloud = await startLocalCloud({
    githubRepository: REPOSITORY,
    kube: false,
    log: () => {},
    pipelineIam: 'terraform-snapshot',
  });
  const base = await ensureBaseImage({ logger: silentLogger });
  const e = cloud.endpoints;
  environmentsFile = join(scratch, 'environments.yml');
  // deploy-dev never runs in these tests: the Kubernetes part stays off
  const kube = { clusterName: 'bakeline-local', eks: 'http://127.0.0.1:9' };
  writeEnvironmentsFile(
    join(example, '.github/environments.local.yml'),
    environmentsFile,
    { ...e, kube },
    `oci:${base.layoutDir}@${base.digest}`,
  );
}, 600_000);

afterAll(async () => {
  await cloud?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the example service, changed by `change`, as a repository of its own. */
function service(name: string, change: (dir: string) => void): string {
  const dir = join(scratch, name, 'licensing-service');
  mkdirSync(dir, { recursive: true });
  cpSync(example, dir, { recursive: true, filter: (src) => !src.includes(`${example}/target`) });
  change(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

async function build(repoDir: string, onEvent?: (event: RunEvent, runDir: string) => void) {
  const runDir = join(repoDir, '..', 'run');
  const logs: string[] = [];
  const outcome = await runWorkflow({
    workflow: join(repoDir, '.github/workflows/build.yml'),
    event: 'push',
    repoDir,
    repository: REPOSITORY,
    environments: loadEnvironments(environmentsFile),
    idTokenIssuer: httpIdTokenIssuer(cloud.endpoints.oidc.idTokenGrantUrl),
    // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
    githubApi: { url: cloud.endpoints.github.apiUrl, token: cloud.endpoints.github.token },
    runDir,
    onEvent: (event) => {
      if (event.type === 'log') logs.push(event.line);
      onEvent?.(event, runDir);
    },
  });
  const called = outcome.result.jobs[0]?.workflow;
  if (!called) throw new Error('the caller did not call build.yml');
  const jobs = Object.fromEntries(called.jobs.map((job) => [job.id, job.result]));
  return { result: outcome.result, called, jobs, logs: logs.join('\n') };
}

/** Every request that reached the ECR registry front (none of these runs pushes anything). */
function registryRequests(): string[] {
  return cloud.admin.registryLog().map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

describe('build.yml with the real actions stops the chain before ECR', () => {
  test('a failing unit test stops it at build', async () => {
    const dir = service('unit-test', (d) =>
      replaceIn(
        join(d, 'src/test/java/com/optimagrowth/license/LogTest.java'),
        'assertEquals(2, lines.length)',
        'assertEquals(3, lines.length)',
      ),
    );
    const run = await build(dir);
    expect(run.jobs).toEqual({
      build: 'failure',
      'platform-test': 'skipped',
      publish: 'skipped',
      'deploy-dev': 'skipped',
    });
    expect(run.logs).toMatch(/LogTest/);
    expect(registryRequests()).toEqual([]);
  }, 600_000);

  test('a failing platform check stops it before publish', async () => {
    const dir = service('platform-check', (d) => replaceIn(join(d, 'platform-test.yml'), 'equals: UP', 'equals: DOWN'));
    const run = await build(dir);
    expect(run.jobs).toEqual({
      build: 'success',
      'platform-test': 'failure',
      publish: 'skipped',
      'deploy-dev': 'skipped',
    });
    expect(run.logs).toContain('health endpoint reports UP');
    expect(registryRequests()).toEqual([]);
  }, 600_000);

  test('an image archive altered between build and publish is refused on its digest, and nothing is pushed', async () => {
    const dir = service('tampered', () => {});
    let tampered = '';
    const run = await build(dir, (event, runDir) => {
      if (event.type !== 'job-end' || event.job.id !== 'platform-test' || event.job.result !== 'success') return;
      tampered = tamperLargestBlob(join(runDir, 'artifacts', ARTIFACT, 'files', 'image.oci.tar'));
    });
    expect(tampered).toMatch(/^[0-9a-f]{64}$/);
    expect(run.jobs).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'failure',
      'deploy-dev': 'skipped',
    });
    // ecr-push's error annotation names the blob whose bytes no longer match its digest
    const errors = run.logs.split('\n').filter((line) => line.includes('::error'));
    expect(errors.some((line) => line.includes(tampered))).toBe(true);
    expect(registryRequests()).toEqual([]);
  }, 600_000);
});

/** Flips one byte in the middle of the largest blob of an OCI layout tar (same size, other bytes). */
function tamperLargestBlob(archive: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakeline-tamper-'));
  try {
    const entries = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    const blobs = join(dir, 'blobs', 'sha256');
    const largest = readdirSync(blobs)
      .map((name) => ({ name, size: statSync(join(blobs, name)).size }))
      .sort((a, b) => b.size - a.size)[0];
    if (!largest) throw new Error(`${archive} holds no blobs`);
    const file = join(blobs, largest.name);
    const bytes = readFileSync(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    rmSync(archive);
    execFileSync('tar', ['-cf', archive, '-C', dir, '--no-recursion', ...entries]);
    return largest.name;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
