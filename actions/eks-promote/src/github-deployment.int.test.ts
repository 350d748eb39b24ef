// github-deployment against the local cloud and the GitHub deployments stand-in: the bundled
// dist/ through the harness, a real (short) rollout of a busybox image in the Kubernetes stand-in,
// pulled by digest from the local ECR; GITHUB_API_URL points at the stand-in, which checks every
// request as api.github.com would and records deployments and statuses.
// Time budget: about 1 minute (one 6-second progress deadline, one cancellation).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GithubDeploymentsApi,
  type KubeCloudAdmin,
  type LocalCloud,
  startGithubDeploymentsApi,
  startLocalCloud,
} from '@bakeline/local-cloud';
import { type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import {
  busyboxPusher,
  expectSuccess,
  failureOf as failure,
  promotionRun,
  type TempWorkspace,
  tempWorkspace,
  testDeploymentYaml,
} from '@bakeline/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

const SHA = '4567def890123abc4567def890123abc4567def8';
const REPO = 'ostock/licensing-service';
const WORKLOAD = 'licensing-service';
const TOKEN = 'ghs_deploymentsTokenOfThisRun0123456789';
const RUN_ID = '4242';
/** the commit that built `image.labelled` (its revision label); the dispatch runs on SHA */
const BUILT = '0123abc4567def890123abc4567def890123abc4';
const JOB_ID = '51725241954';

let cloud: LocalCloud;
let api: GithubDeploymentsApi;
let workspace: string;
let workspaceDir: TempWorkspace | undefined;
const image = { good: '', other: '', broken: '', labelled: '' };

/** What the runner would show: everything but the add-mask commands, which it consumes. */
function shown(result: HarnessResult): string {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function promotion(
  inputs: Record<string, string>,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
) {
  return {
    ...promotionRun(cloud, {
      workspace,
      sha: SHA,
      runId: RUN_ID,
      github: { token: TOKEN },
      environment: 'dev',
      workload: WORKLOAD,
      inputs: {
        timeout: '2m',
        'stuck-grace': '5s',
        manifests: 'k8s/deployment.yaml',
        // an image pushed by this test, not built by build.yml: the gate is tested in
        // attestations.int.test.ts and acceptance.int.test.ts
        'verify-attestations': 'warn',
        ...inputs,
      },
      env: { GITHUB_API_URL: api.url },
      timeoutMs: 120_000,
    }),
    ...options,
  };
}

const MANIFEST = testDeploymentYaml({
  name: WORKLOAD,
  containerName: WORKLOAD,
  progressDeadlineSeconds: 6,
  ports: [8080],
});

beforeAll(async () => {
  workspaceDir = tempWorkspace('bakeline-eks-promote-ghd-');
  workspace = workspaceDir.path;
  mkdirSync(join(workspace, 'k8s'));
  writeFileSync(join(workspace, 'k8s', 'deployment.yaml'), MANIFEST);
  // the roles, repository and access entries terraform apply of the example creates
  cloud = await startLocalCloud({ log: () => {}, pipelineIam: 'terraform-snapshot' });
  const push = busyboxPusher(cloud, REPO);
  // four tags, independent of each other
  [image.good, image.other, image.broken, image.labelled] = await Promise.all([
    push('good', { 'www/actuator/health': '{"status":"UP"}' }),
    push('other', { 'www/actuator/health': '{"status":"UP"}', 'www/version': '2' }),
    push('never-ready', { 'www/index.html': 'no health endpoint' }),
    push(
      'labelled',
      { 'www/actuator/health': '{"status":"UP"}', 'www/version': '3' },
      { 'org.opencontainers.image.revision': BUILT },
    ),
  ]);
}, 300_000);

afterAll(async () => {
  workspaceDir?.remove();
  await cloud?.stop();
});

async function startApi(): Promise<void> {
  api = await startGithubDeploymentsApi({
    repository: cloud.endpoints.githubRepository,
    token: TOKEN,
    commits: [SHA, BUILT],
    statusContexts: { build: 'success' },
  });
}

afterEach(async () => {
  await api?.close();
});

function digestOf(ref: string): string {
  return ref.slice(ref.indexOf('@') + 1);
}

describe('eks-promote github-deployment', () => {
  test('github-deployment false (the default): a promotion sends nothing to the GitHub API', async () => {
    await startApi();
    const result = await runBundledAction('eks-promote', promotion({ image: image.good }));
    expectSuccess(result);
    expect(result.outputs.digest).toBe(digestOf(image.good));
    expect(api.requests()).toEqual([]);
  });

  test('a successful promotion creates one deployment with statuses in_progress then success', async () => {
    await startApi();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.other, 'github-deployment': 'true', 'environment-url': 'https://dev.example.com' }),
    );
    expectSuccess(result);
    const deployments = api.deployments();
    expect(deployments).toHaveLength(1);
    const [d] = deployments;
    expect(d).toMatchObject({
      ref: SHA,
      sha: SHA,
      environment: 'dev',
      auto_merge: false,
      required_contexts: [],
      payload: { digest: digestOf(image.other), image: image.other },
      transient_environment: false,
      production_environment: false,
    });
    expect(d?.description).toContain(digestOf(image.other));
    const statuses = api.statuses(d?.id ?? 0);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    const runUrl = `https://github.com/${cloud.endpoints.githubRepository}/actions/runs/${RUN_ID}`;
    expect(statuses[1]).toMatchObject({ log_url: runUrl, environment_url: 'https://dev.example.com' });
    expect(statuses[1]?.description).toContain('runs in dev (revision 2)');
    for (const r of api.requests()) {
      expect(r).toMatchObject({
        method: 'POST',
        authScheme: 'token',
        accept: 'application/vnd.github+json',
        apiVersion: '2022-11-28',
      });
      expect(r.userAgent).toMatch(/^bakeline-eks-promote octokit-core\.js\//);
      expect([201]).toContain(r.status);
    }
    expect(shown(result)).not.toContain(TOKEN);
    expect(result.masks).toContain(TOKEN);
  });

  test('dispatched on another commit, the deployment names the commit that built the image; log_url the job', async () => {
    await startApi();
    const result = await runBundledAction(
      'eks-promote',
      promotion({
        image: image.labelled,
        'github-deployment': 'true',
        'ecr-endpoint': cloud.endpoints.ecr,
        'job-check-run-id': JOB_ID,
      }),
    );
    expectSuccess(result);
    const [d] = api.deployments();
    expect(d).toMatchObject({ ref: BUILT, sha: BUILT });
    expect(result.stdout).toContain(`was built from ${BUILT}`);
    const jobUrl = `https://github.com/${cloud.endpoints.githubRepository}/actions/runs/${RUN_ID}/job/${JOB_ID}`;
    expect(api.statuses(d?.id ?? 0).map((s) => [s.state, s.log_url])).toEqual([
      ['in_progress', jobUrl],
      ['success', jobUrl],
    ]);
  });

  test('an image without the revision label: the deployment names GITHUB_SHA, with a warning', async () => {
    await startApi();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good, 'github-deployment': 'true', 'ecr-endpoint': cloud.endpoints.ecr }),
    );
    expectSuccess(result);
    expect(api.deployments()[0]).toMatchObject({ ref: SHA });
    expect(result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      // the test sets verify-attestations: warn (its images are not built by build.yml)
      expect.stringMatching(/^attestations: .* cannot prove its origin: .*\(verify-attestations: warn/),
      expect.stringMatching(/has no org\.opencontainers\.image\.revision label; the deployment names GITHUB_SHA/),
    ]);
  });

  test('a status GitHub answers with 503 is retried; the deployment still ends in success', async () => {
    await startApi();
    api.failNext('create-status', 503, 1);
    const result = await runBundledAction('eks-promote', promotion({ image: image.good, 'github-deployment': 'true' }));
    expectSuccess(result);
    const [d] = api.deployments();
    expect(api.statuses(d?.id ?? 0).map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(api.requests().map((r) => r.status)).toEqual([201, 503, 201, 201]);
  });

  test('a rollout that fails ends the deployment in failure, saying it was rolled back', async () => {
    await startApi();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.broken, 'github-deployment': 'true' }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.outputs['rolled-back']).toBe('true');
    const [d] = api.deployments();
    const statuses = api.statuses(d?.id ?? 0);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]?.description).toMatch(/failed; rolled back, the previous revision runs again/);
    expect(statuses[1]?.log_url).toContain(`/actions/runs/${RUN_ID}`);
  });

  test('a cancelled promotion ends the deployment in error, never left in_progress', async () => {
    await startApi();
    // cancelled while it waits for the rollout, after the deployment went in_progress
    const cancel = new AbortController();
    const result = await runBundledAction(
      'eks-promote',
      promotion(
        { image: image.broken, 'github-deployment': 'true', timeout: '1m', 'stuck-grace': '1m' },
        {
          signal: cancel.signal,
          onLine: (line) => {
            if (line.includes(`Waiting for deployment "${WORKLOAD}" rollout to finish`)) cancel.abort();
          },
        },
      ),
    );
    expect(result.cancelled).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(failure(result)).toContain('cancelled');
    const [d] = api.deployments();
    const statuses = api.statuses(d?.id ?? 0);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'error']);
    expect(statuses[1]?.description).toContain('Cancelled');
  });

  test.each([
    [
      'a bad token',
      { 'github-token': 'ghs_notTheRightToken0000000000000000000' },
      'answered 401 Bad credentials; the github-token input is not a valid token',
    ],
    ['a commit GitHub does not know', {}, `answered 422 No ref found for: ${SHA}`],
  ])('%s fails readably before the cluster is touched, without printing the token', async (_what, inputs, message) => {
    api = await startGithubDeploymentsApi({
      repository: cloud.endpoints.githubRepository,
      token: TOKEN,
      commits: Object.keys(inputs).length > 0 ? [SHA] : [],
    });
    const kube = cloud.admin.kube as KubeCloudAdmin;
    const started = new Date();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good, 'github-deployment': 'true', ...inputs }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toContain('GitHub deployment to dev in');
    expect(failure(result)).toContain('could not be created; nothing was promoted');
    expect(failure(result)).toContain(message);
    const token = inputs['github-token' as keyof typeof inputs] ?? TOKEN;
    expect(shown(result)).not.toContain(token);
    expect(result.masks).toContain(token);
    expect(api.deployments()).toEqual([]);
    const writes = kube.requestLog().filter((r) => r.at >= started && r.method !== 'GET');
    expect(writes).toEqual([]);
  });
});
