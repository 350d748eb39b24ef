// Two pipelines at once (issue #15): two commits of the example service run the main job's chain
// at the same time against one local cloud, through the caller workflows as scripts/main.ts runs
// them: build.yml on a push to main (maven-build, docker-bake, platform-test, ecr-push,
// eks-promote to dev), then promote.yml to test with the run's own image. The local runner
// enforces the concurrency groups as GitHub does, so:
// - the two build.yml runs (workflow group bakeline-build-<workflow>-<image>-<ref>, not cancelled on
//   push) run one after the other, neither cancelled;
// - the deployments to one environment (job group bakeline-deploy-<repository>-<environment>,
//   cancel-in-progress: false) never overlap, and none is cancelled;
// - the two promotions to test are started at the same moment (once both builds are done), so
//   that they contend for test's group: the second waits for the first;
// - each environment ends with the digest of the run that deployed there last, every pod ready
//   and running that digest.
// Cheapest chain that still exercises both runs: Maven runs with -DskipTests (the unit tests are
// the pipeline suite's business, not this one's); everything else is the real chain.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBaseImage } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { repoRoot } from '@bakeline/test/harness';
import { silentLogger } from '@bakeline/toolkit';
import {
  ConcurrencyGroups,
  httpIdTokenIssuer,
  loadEnvironments,
  type RunEvent,
  type RunOptions,
  runWorkflow,
  type WorkflowResult,
} from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readEnvironmentState } from '../../scripts/main/environment-state.ts';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';

const REPOSITORY = 'bakeline-dev/licensing-service';
const WORKLOAD = 'licensing-service';
const PIPELINES = ['a', 'b'] as const;
type Pipeline = (typeof PIPELINES)[number];

let dir: string;
let cloud: LocalCloud;
let environmentsFile: string;
const groups = new ConcurrencyGroups();
const started = Date.now();

/** When each (called workflow's) job or workflow started and ended, per pipeline. */
interface Span {
  pipeline: Pipeline;
  what: string;
  start: number;
  end?: number;
  result?: string;
}
const spans: Span[] = [];
const logs: Record<Pipeline, string[]> = { a: [], b: [] };

function track(pipeline: Pipeline, kind: string): (event: RunEvent) => void {
  const open = (what: string) => spans.push({ pipeline, what, start: Date.now() });
  const close = (what: string, result: string) => {
    const span = spans.findLast((s) => s.pipeline === pipeline && s.what === what && s.end === undefined);
    if (span) Object.assign(span, { end: Date.now(), result });
  };
  return (event) => {
    if (event.type === 'log') logs[pipeline].push(event.line);
    if (event.depth !== 1) return;
    // a called workflow waiting for its group has started but runs nothing: its span opens with its first job
    const running = spans.some((s) => s.pipeline === pipeline && s.what === kind && s.end === undefined);
    if (event.type === 'job-start' && !running) open(kind);
    if (event.type === 'workflow-end') close(kind, event.result.result);
    if (event.type === 'job-start') open(`${kind}/${event.jobId}`);
    if (event.type === 'job-end' && event.job.result !== 'skipped') close(`${kind}/${event.job.id}`, event.job.result);
  };
}

function service(pipeline: Pipeline): string {
  const copy = join(dir, pipeline, 'licensing-service');
  cpSync(join(repoRoot, 'examples', 'licensing-service'), copy, {
    recursive: true,
    filter: (s) => !s.includes('/target'),
  });
  // the two commits differ by one class, so their images differ
  writeFileSync(
    join(copy, 'src/main/java/com/optimagrowth/license/Commit.java'),
    `package com.optimagrowth.license;\n\nfinal class Commit {\n  static final String NAME = "${pipeline}";\n\n  private Commit() {}\n}\n`,
  );
  return copy;
}

async function run(pipeline: Pipeline, workflow: string, kind: string, extra: Pick<RunOptions, 'event' | 'inputs'>) {
  const repoDir = join(dir, pipeline, 'licensing-service');
  const outcome = await runWorkflow({
    workflow: join(repoDir, '.github/workflows', workflow),
    repoDir,
    repository: REPOSITORY,
    environments: loadEnvironments(environmentsFile),
    idTokenIssuer: httpIdTokenIssuer(cloud.endpoints.oidc.idTokenGrantUrl),
    // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
    githubApi: { url: cloud.endpoints.github.apiUrl, token: cloud.endpoints.github.token },
    runDir: join(dir, pipeline, `run-${kind}`),
    toolCache: join(dir, 'tool-cache'),
    concurrency: groups,
    onEvent: track(pipeline, kind),
    ...extra,
  });
  return outcome.result;
}

function failures(result: WorkflowResult): string {
  return result.jobs
    .flatMap((job) => [job, ...(job.workflow?.jobs ?? [])])
    .filter((job) => job.result !== 'success' && job.result !== 'skipped')
    .map((job) => `${job.id}: ${job.result} ${job.error ?? ''}`)
    .join('; ');
}

interface PipelineResult {
  digest: string;
  imageUri: string;
  build: WorkflowResult;
  promote: WorkflowResult;
}
const results = {} as Record<Pipeline, PipelineResult>;

async function build(p: Pipeline): Promise<Pick<PipelineResult, 'digest' | 'imageUri' | 'build'>> {
  const result = await run(p, 'build.yml', 'build', { event: 'push' });
  expect(result.result, `pipeline ${p}: build.yml ${failures(result)}`).toBe('success');
  const outputs = result.jobs[0]?.workflow?.outputs ?? {};
  const digest = outputs.digest ?? '';
  const imageUri = outputs['image-uri'] ?? '';
  expect(imageUri).toBe(`${imageUri.split('@')[0]}@${digest}`);
  return { digest, imageUri, build: result };
}

async function promote(p: Pipeline, imageUri: string): Promise<WorkflowResult> {
  const result = await run(p, 'promote.yml', 'promote-test', {
    event: 'workflow_dispatch',
    inputs: { environment: 'test', image: imageUri },
  });
  expect(result.result, `pipeline ${p}: promote.yml ${failures(result)}`).toBe('success');
  return result;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bakeline-two-pipelines-'));
  cloud = await startLocalCloud({
    githubRepository: REPOSITORY,
    stateDir: join(dir, 'local-cloud'),
    log: () => {},
    pipelineIam: 'terraform-snapshot',
  });
  const base = await ensureBaseImage({ logger: silentLogger });
  for (const p of PIPELINES) service(p);
  const template = join(dir, 'environments.local.yml');
  const text = readFileSync(join(repoRoot, 'examples/licensing-service/.github/environments.local.yml'), 'utf8');
  if (!text.includes('BAKELINE_MAVEN_ARGUMENTS: -o\n')) throw new Error('the example no longer sets -o for Maven');
  writeFileSync(template, text.replace('BAKELINE_MAVEN_ARGUMENTS: -o\n', 'BAKELINE_MAVEN_ARGUMENTS: -o -DskipTests\n'));
  environmentsFile = join(dir, 'environments.yml');
  const kube = cloud.endpoints.kube as { clusterName: string; eks: string };
  writeEnvironmentsFile(
    template,
    environmentsFile,
    { ...cloud.endpoints, kube },
    `oci:${base.layoutDir}@${base.digest}`,
  );

  // both pipelines at once: nothing orders them but the concurrency groups. Each promotes its own
  // image to test once both builds are done, so that the two deployments to test contend.
  const built = await Promise.all(PIPELINES.map((p) => build(p)));
  const promoted = await Promise.all(PIPELINES.map((p, i) => promote(p, built[i]?.imageUri ?? '')));
  PIPELINES.forEach((p, i) => {
    results[p] = {
      ...(built[i] as Pick<PipelineResult, 'digest' | 'imageUri' | 'build'>),
      promote: promoted[i] as WorkflowResult,
    };
  });
  console.log(`two pipelines: done in ${Math.round((Date.now() - started) / 1000)} s`);
  for (const s of spans) console.log(`  ${s.pipeline} ${s.what}: ${s.start - started} .. ${(s.end ?? 0) - started} ms`);
}, 1_500_000);

afterAll(async () => {
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function spansOf(what: string): Required<Span>[] {
  const found = spans.filter((s) => s.what === what) as Required<Span>[];
  expect(found.map((s) => s.pipeline).sort(), `both pipelines ran ${what}`).toEqual(['a', 'b']);
  for (const s of found) expect(s.end, `${s.pipeline} ${what} ended`).toBeGreaterThan(0);
  return found.sort((x, y) => x.start - y.start);
}

/** The two spans, first and second: the second starts only after the first has ended. */
function serialized(what: string): [Required<Span>, Required<Span>] {
  const [first, second] = spansOf(what) as [Required<Span>, Required<Span>];
  expect(second.start, `${what}: ${second.pipeline} started before ${first.pipeline} ended`).toBeGreaterThanOrEqual(
    first.end,
  );
  return [first, second];
}

async function expectRunning(environment: string, expected: PipelineResult): Promise<void> {
  const kubeconfig = (cloud.endpoints.kube as { kubeconfig: string }).kubeconfig;
  const state = await readEnvironmentState(kubeconfig, environment, WORKLOAD);
  expect(state.image, `${environment}: the Deployment names the image`).toBe(expected.imageUri);
  expect(state.digests, `${environment}: every pod runs that digest`).toEqual([expected.digest]);
  expect(state.pods, `${environment}: no pod of another rollout is left`).toBe(state.replicas);
  expect(state.readyPods, `${environment}: every pod is ready`).toBe(state.replicas);
}

describe('two pipelines at once against one local cloud', () => {
  test('both complete, with two different digests, and nothing was cancelled', () => {
    expect(results.a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(results.b.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(results.a.digest).not.toBe(results.b.digest);
    expect(spans.filter((s) => s.result !== 'success').map((s) => `${s.pipeline} ${s.what}: ${s.result}`)).toEqual([]);
  });

  test('the two build.yml runs, in one workflow-level group, run one after the other', () => {
    const [, second] = serialized('build');
    expect(logs[second.pipeline].join('\n')).toMatch(
      /Waiting for a running workflow '[^']+' to complete \(concurrency group 'bakeline-build-licensing-service-licensing-service-refs\/heads\/main'\)/,
    );
  });

  test('deployments to dev never overlap; dev runs the digest of the run that deployed last', async () => {
    const [, last] = serialized('build/deploy-dev');
    await expectRunning('dev', results[last.pipeline]);
  });

  test('deployments to test never overlap; test runs the digest of the run that deployed last', async () => {
    const [, last] = serialized('promote-test/promote');
    expect(logs[last.pipeline].join('\n'), 'the second deployment to test waited for the first').toContain(
      `Waiting for a running job 'promote' to complete (concurrency group 'bakeline-deploy-${REPOSITORY}-test')`,
    );
    await expectRunning('test', results[last.pipeline]);
  });
});
