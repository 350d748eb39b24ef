// Acceptance of eks-promote, run as the runner runs it (the bundled dist/ through the harness)
// against the local cloud: GitHub OIDC -> STS -> EKS DescribeCluster -> EKS token -> the
// Kubernetes stand-in, whose pods are Docker containers pulled by digest from the local ECR. The
// example service is baked by docker-bake and pushed by ecr-push (two digests: the service and
// the same service with other JVM defaults); a busybox image in the same repository never
// becomes ready. The real kubectl checks what the action claims.
// Time budget (README): about 4 minutes on a 2-core machine, half of it baking and pushing.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEksToken } from '@bakeline/aws';
import { type BaseImage, ensureBaseImage } from '@bakeline/bake';
import { type Deployment, KubeClient, type Pod, type ReplicaSet, readKubeconfig, watchResumable } from '@bakeline/kube';
import {
  HOST_PORT_ANNOTATION,
  type KubeCloudAdmin,
  type LocalCloud,
  type TimedRequestLogEntry,
} from '@bakeline/local-cloud';
import { repoRoot, runBundledAction } from '@bakeline/test/harness';
import {
  bakeExampleImages,
  busyboxPusher,
  expectSuccess,
  failureOf as failure,
  kubeOf,
  promotionRun,
  startTestCloud,
  type TempWorkspace,
  tempWorkspace,
} from '@bakeline/test-fixtures';
import { consoleLogger, exec, execChecked, silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { attestationInputs, attestTestImage, BUILDER } from '../test/attested-images.ts';

const SHA = '0123abc4567def890123abc4567def890123abcd';
const REPO = 'ostock/licensing-service';
const WORKLOAD = 'licensing-service';

let cloud: LocalCloud;
let kube: KubeCloudAdmin;
let kubeEndpoints: { clusterName: string; kubeconfig: string; eks: string };
let base: BaseImage;
let workspace: string;
let workspaceDir: TempWorkspace | undefined;
/** `<registry>/<repo>@sha256:…` of the service, the service with other JVM defaults, and a never-ready image */
const image = { a: '', b: '', broken: '' };
const digest = { a: '', b: '', broken: '' };
const manifests = { dev: '', test: '', prod: '' };
let runNumber = 0;
/** verify-attestations: enforce against the local cloud's trusted root (every image here is signed) */
let verifyInputs: Record<string, string> = {};

function role(name: string): string {
  return cloud.endpoints.roles[name] ?? '';
}

/** A promotion job running in GitHub environment `environment` through OIDC and its deploy role. */
function promotion(
  environment: string,
  inputs: Record<string, string>,
  options: { cancelAfterMs?: number; onLine?: (line: string) => void } = {},
) {
  runNumber++;
  // the manifests are written into a workspace that is no git checkout: manifests-from workspace
  return {
    ...promotionRun(cloud, {
      workspace,
      sha: SHA,
      runId: String(9000 + runNumber),
      environment,
      workload: WORKLOAD,
      inputs: { timeout: '3m', ...verifyInputs, ...inputs },
    }),
    ...options,
  };
}

async function kubectl(...args: string[]) {
  return exec('kubectl', ['--kubeconfig', kubeEndpoints.kubeconfig, ...args], { timeoutMs: 120_000 });
}

async function kubectlOk(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

async function deploymentOf(namespace: string): Promise<Deployment> {
  return JSON.parse(await kubectlOk('get', 'deployment', WORKLOAD, '-n', namespace, '-o', 'json')) as Deployment;
}

/** imageIDs of the running, not terminating pods of the workload, through kubectl's jsonpath. */
async function runningImageIds(namespace: string): Promise<string[]> {
  const pods = JSON.parse(await kubectlOk('get', 'pods', '-n', namespace, '-l', `app=${WORKLOAD}`, '-o', 'json')) as {
    items: Pod[];
  };
  const names = pods.items
    .filter((p) => p.status?.phase === 'Running' && p.metadata.deletionTimestamp === undefined)
    .map((p) => p.metadata.name);
  const ids: string[] = [];
  for (const name of names) {
    ids.push((await kubectlOk('get', 'pod', name, '-n', namespace, '-o', 'jsonpath={..imageID}')).trim());
  }
  return ids;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function requestsSince(at: Date, user?: string): TimedRequestLogEntry[] {
  return kube.requestLog().filter((r) => r.at >= at && (user === undefined || r.user.includes(user)));
}

/**
 * The example's manifests with short deadlines and `replicas` for this suite. Three JVMs starting at
 * once on a loaded 2-core machine took over 20 s: the default deadline leaves them 45 s. The
 * readiness probe runs every second (the example: every 2 s), so that a pod is seen ready, or
 * unready, sooner; its failureThreshold and timeout stay the example's.
 */
function writeManifests(environment: string, replicas: number, progressDeadlineSeconds = 45): string {
  const source = readFileSync(
    join(repoRoot, 'examples', 'licensing-service', 'k8s', 'base', 'deployment.yaml'),
    'utf8',
  );
  const docs = parseAllDocuments(source).map((d) => d.toJS() as Record<string, unknown>);
  for (const doc of docs) {
    if (doc.kind !== 'Deployment') continue;
    const spec = doc.spec as Record<string, unknown>;
    spec.replicas = replicas;
    spec.progressDeadlineSeconds = progressDeadlineSeconds;
    spec.minReadySeconds = 2;
    const pod = (spec.template as { spec: Record<string, unknown> }).spec;
    pod.terminationGracePeriodSeconds = 3;
    for (const container of pod.containers as { readinessProbe?: Record<string, unknown> }[]) {
      if (container.readinessProbe === undefined) throw new Error('the example has no readiness probe');
      container.readinessProbe.periodSeconds = 1;
    }
  }
  const dir = join(workspace, 'k8s', environment);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'deployment.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  cpSync(join(repoRoot, 'examples', 'licensing-service', 'k8s', 'base', 'service.yaml'), join(dir, 'service.yaml'));
  return `k8s/${environment}/deployment.yaml\nk8s/${environment}/service.yaml`;
}

/** ecr-push as build.yml's publish job runs it: pushes, then signs provenance, SBOM and test result. */
async function push(baked: { layout: string; digest: string; sbom: string }, tag: string): Promise<string> {
  const { layout, digest: layoutDigest } = baked;
  // the job of bakeline's build.yml, called from the service repository on main
  const grant = cloud.admin.grantIdToken({ sha: SHA, ref: 'refs/heads/main', job_workflow_ref: `${BUILDER}@v1` });
  const testResultPath = join(workspace, `${tag}.test-result.json`);
  writeFileSync(
    testResultPath,
    JSON.stringify({
      result: 'PASSED',
      configuration: [{ name: 'platform-test.yml', digest: { sha256: 'c'.repeat(64) } }],
      url: 'https://github.com/bakeline-dev/licensing-service/actions/runs/1',
      passedTests: ['health'],
      warnedTests: [],
      failedTests: [],
    }),
  );
  const result = await runBundledAction('ecr-push', {
    workspace,
    github: { sha: SHA, ref: 'refs/heads/main', repository: cloud.endpoints.githubRepository },
    inputs: {
      layout,
      digest: layoutDigest,
      repository: REPO,
      tags: tag,
      region: cloud.endpoints.region,
      'role-to-assume': role('bakeline-ecr-push'),
      'ecr-endpoint': cloud.endpoints.ecr,
      'sts-endpoint': cloud.endpoints.sts,
      scan: 'none',
      attest: 'true',
      'sbom-path': baked.sbom,
      'test-result-path': testResultPath,
      materials: `oci:${base.layoutDir}@${base.digest}`,
      'sigstore-endpoint': cloud.endpoints.sigstore.url,
      'github-token': cloud.endpoints.github.token,
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken,
      GITHUB_API_URL: cloud.endpoints.github.apiUrl,
    },
    timeoutMs: 240_000,
  });
  expectSuccess(result);
  // provenance, SBOM, test result: three referrers
  expect((result.outputs.attestations ?? '').split('\n')).toHaveLength(3);
  return result.outputs['image-uri'] ?? '';
}

beforeAll(async () => {
  workspaceDir = tempWorkspace('bakeline-eks-promote-');
  workspace = workspaceDir.path;
  // the bakes and the cloud need nothing of each other: both at once
  // (the cloud is assigned as soon as it runs: afterAll stops it even if a bake failed)
  const [baked] = await Promise.all([
    ensureBaseImage({ logger: consoleLogger }).then(async (ensured) => {
      base = ensured;
      return bakeExampleImages({ workspace, baseLayoutDir: base.layoutDir, sha: SHA });
    }),
    // the roles, repository and access entries terraform apply of the example creates
    startTestCloud({ pipelineIam: 'terraform-snapshot' }).then((started) => {
      cloud = started;
    }),
  ]);
  ({ admin: kube, endpoints: kubeEndpoints } = kubeOf(cloud));
  // three pushes of different tags, independent of each other
  [image.a, image.b, image.broken] = await Promise.all([
    push(baked.service, 'sha-a'),
    push(baked.variant, 'sha-b'),
    (async () => {
      const broken = await busyboxPusher(cloud, REPO)('never-ready', { 'www/index.html': 'not the licensing service' });
      // the never-ready image is signed too (through the shared helper): the rollout, not the gate, refuses it
      await attestTestImage(cloud, broken);
      return broken;
    })(),
  ]);
  verifyInputs = await attestationInputs(cloud, workspace);
  for (const k of ['a', 'b', 'broken'] as const) digest[k] = image[k].slice(image[k].indexOf('@') + 1);
  expect(new Set(Object.values(digest)).size).toBe(3);
  manifests.dev = writeManifests('dev', 3);
  manifests.test = writeManifests('test', 1);
  // prod sees only a digest that never becomes ready: no JVM has to start within the deadline
  manifests.prod = writeManifests('prod', 1, 6);
}, 900_000);

afterAll(async () => {
  workspaceDir?.remove();
  await cloud?.stop();
});

describe('eks-promote acceptance', () => {
  test('promotes the example digest to dev: kubectl rollout status succeeds, the pods report the digest, the health endpoint answers on 127.0.0.1', async () => {
    const result = await runBundledAction(
      'eks-promote',
      promotion('dev', { image: image.a, manifests: manifests.dev }),
    );
    expectSuccess(result);
    expect(result.outputs).toMatchObject({
      image: image.a,
      digest: digest.a,
      'previous-digest': '',
      revision: '1',
      'rolled-back': 'false',
    });
    const status = await kubectlOk('rollout', 'status', `deployment/${WORKLOAD}`, '-n', 'dev', '--timeout=10s');
    expect(status).toContain(`deployment "${WORKLOAD}" successfully rolled out`);
    const ids = (await kubectlOk('get', 'pods', '-n', 'dev', '-l', `app=${WORKLOAD}`, '-o', 'jsonpath={..imageID}'))
      .trim()
      .split(/\s+/);
    expect(ids).toEqual([1, 2, 3].map(() => `docker-pullable://${image.a}`));
    const d = await deploymentOf('dev');
    expect(d.metadata.annotations?.['kubernetes.io/change-cause']).toContain(digest.a);
    expect(d.metadata.annotations?.['kubernetes.io/change-cause']).toContain(SHA);
    expect(d.metadata.annotations?.['bakeline.io/digest']).toBe(digest.a);
    const pods = JSON.parse(await kubectlOk('get', 'pods', '-n', 'dev', '-l', `app=${WORKLOAD}`, '-o', 'json')) as {
      items: Pod[];
    };
    const port = pods.items[0]?.metadata.annotations?.[`${HOST_PORT_ANNOTATION}8080`];
    expect(port).toMatch(/^\d+$/);
    const health = await fetch(`http://127.0.0.1:${port}/actuator/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toMatch(/"status"\s*:\s*"UP"/);
    expect(result.summary).toContain('Promoted to dev');
    expect(result.summary).toContain(digest.a);
    for (const p of pods.items) expect(result.summary).toContain(p.metadata.name);
    expect(await kubectlOk('get', 'service', WORKLOAD, '-n', 'dev', '-o', 'jsonpath={.spec.ports[0].targetPort}')).toBe(
      '8080',
    );
  });

  test('a readiness probe fails when the app in a promoted pod stops answering, and passes again when it answers', async () => {
    const pods = JSON.parse(await kubectlOk('get', 'pods', '-n', 'dev', '-l', `app=${WORKLOAD}`, '-o', 'json')) as {
      items: Pod[];
    };
    const pod = pods.items[0]?.metadata.name ?? '';
    const container = kube.containerIds('dev', pod)[0]?.current ?? '';
    expect(container).not.toBe('');
    const ready = async () =>
      (
        await kubectlOk(
          'get',
          'pod',
          pod,
          '-n',
          'dev',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        )
      ).trim();
    const available = async () => (await deploymentOf('dev')).status?.availableReplicas;
    const poll = async (what: string, probe: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    expect(await ready()).toBe('True');
    // the JVM is frozen: it accepts nothing, answers nothing
    await execChecked('docker', ['pause', container]);
    try {
      await poll('the pod to become unready', async () => (await ready()) === 'False');
      await poll('2 available replicas', async () => (await available()) === 2);
      const events = JSON.parse(await kubectlOk('get', 'events', '-n', 'dev', '-o', 'json')) as {
        items: { reason: string; message: string; involvedObject: { name: string } }[];
      };
      expect(
        events.items.filter((e) => e.involvedObject.name === pod).map((e) => `${e.reason}: ${e.message}`),
      ).toContainEqual(
        expect.stringMatching(
          /^Unhealthy: Readiness probe failed: Get "http:\/\/127\.0\.0\.1:8080\/actuator\/health": context deadline exceeded/,
        ),
      );
    } finally {
      await execChecked('docker', ['unpause', container]);
    }
    await poll('the pod to be ready again', async () => (await ready()) === 'True');
    await poll('3 available replicas', async () => (await available()) === 3);
  });

  test('a re-run of the same promotion is idempotent: same revision, same ReplicaSet, same pods', async () => {
    const before = await deploymentOf('dev');
    const podsBefore = (await kubectlOk('get', 'pods', '-n', 'dev', '-o', 'name')).trim();
    const rsBefore = (await kubectlOk('get', 'replicasets', '-n', 'dev', '-o', 'name')).trim();
    const result = await runBundledAction(
      'eks-promote',
      promotion('dev', { image: image.a, manifests: manifests.dev }),
    );
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ digest: digest.a, revision: '1', 'rolled-back': 'false' });
    expect(result.stdout).toContain(`already set to ${image.a}`);
    const after = await deploymentOf('dev');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect((await kubectlOk('get', 'pods', '-n', 'dev', '-o', 'name')).trim()).toBe(podsBefore);
    expect((await kubectlOk('get', 'replicasets', '-n', 'dev', '-o', 'name')).trim()).toBe(rsBefore);
  });

  test('a rolling update of 3 replicas with maxSurge 1, maxUnavailable 0: a watch never sees more than 4 pods or fewer than 3 available, and minReadySeconds delays availability', async () => {
    const watcher = new KubeClient(readKubeconfig(kubeEndpoints.kubeconfig, { mask: () => {} }));
    const stop = new AbortController();
    const live = new Set<string>();
    const readyAt = new Map<string, number>();
    let maxPods = 0;
    let minAvailable = Number.POSITIVE_INFINITY;
    let newRsAvailableAt: number | undefined;
    const watches = [
      watchResumable<Pod>(
        {
          client: watcher,
          path: '/api/v1/namespaces/dev/pods',
          query: { labelSelector: `app=${WORKLOAD}` },
          signal: stop.signal,
          logger: silentLogger,
        },
        (e) => {
          const name = e.object.metadata.name;
          if (e.type === 'DELETED' || e.object.metadata.deletionTimestamp) live.delete(name);
          else live.add(name);
          maxPods = Math.max(maxPods, live.size);
          const ready = e.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
          if (ready && e.object.spec.containers[0]?.image === image.b && !readyAt.has(name))
            readyAt.set(name, Date.now());
        },
      ),
      watchResumable<Deployment>(
        {
          client: watcher,
          path: '/apis/apps/v1/namespaces/dev/deployments',
          query: { fieldSelector: `metadata.name=${WORKLOAD}` },
          signal: stop.signal,
          logger: silentLogger,
        },
        (e) => {
          minAvailable = Math.min(minAvailable, e.object.status?.availableReplicas ?? 0);
        },
      ),
      watchResumable<ReplicaSet>(
        {
          client: watcher,
          path: '/apis/apps/v1/namespaces/dev/replicasets',
          signal: stop.signal,
          logger: silentLogger,
        },
        (e) => {
          const isNew = e.object.spec.template.spec.containers[0]?.image === image.b;
          if (isNew && (e.object.status?.availableReplicas ?? 0) >= 1 && newRsAvailableAt === undefined)
            newRsAvailableAt = Date.now();
        },
      ),
    ];
    try {
      const result = await runBundledAction('eks-promote', promotion('dev', { image: image.b }));
      expectSuccess(result);
      expect(result.outputs).toMatchObject({ digest: digest.b, 'previous-digest': digest.a, revision: '2' });
      expect(result.stdout).toMatch(
        /Waiting for deployment "licensing-service" rollout to finish: \d+ out of 3 new replicas have been updated/,
      );
    } finally {
      stop.abort();
      await Promise.allSettled(watches);
      watcher.close();
    }
    expect(maxPods).toBe(4);
    expect(minAvailable).toBe(3);
    const firstReady = Math.min(...readyAt.values());
    expect(readyAt.size).toBe(3);
    expect(newRsAvailableAt).toBeDefined();
    // minReadySeconds: 2 — a new pod counts as available only 2 s after it became ready
    expect((newRsAvailableAt ?? 0) - firstReady).toBeGreaterThanOrEqual(1500);
    expect((newRsAvailableAt ?? 0) - firstReady).toBeLessThan(8000);
    expect(await runningImageIds('dev')).toEqual([1, 2, 3].map(() => `docker-pullable://${image.b}`));
  });

  test('a 409 on update is retried with a fresh read, and a dropped watch is resumed from its resourceVersion', async () => {
    const user = 'assumed-role/bakeline-deploy-dev/';
    const started = new Date();
    kube.writeConcurrently({ resource: 'deployments', namespace: 'dev', name: WORKLOAD, count: 1 });
    const run = runBundledAction('eks-promote', promotion('dev', { image: image.a }));
    let dropped = 0;
    for (let round = 0; round < 2; round++) {
      const seen = requestsSince(started, user).filter((r) => r.query.includes('watch=1')).length;
      await until('a watch of the action', () =>
        requestsSince(started, user).filter((r) => r.query.includes('watch=1')).length > seen ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 1500));
      dropped += kube.dropWatches();
    }
    const result = await run;
    expectSuccess(result);
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(result.outputs).toMatchObject({ digest: digest.a, 'previous-digest': digest.b, revision: '3' });
    const path = `/apis/apps/v1/namespaces/dev/deployments/${WORKLOAD}`;
    const writes = requestsSince(started, user)
      .filter((r) => r.path === path)
      .map((r) => `${r.method} ${r.status}${/(^|[?&])dryRun=All/.test(r.query) ? ' (dry run)' : ''}`);
    // the apply carried the resourceVersion it was computed from; after the 409 it is read again and
    // recomputed. The concurrent write lands before the first apply, which is the dry run.
    const conflict = writes.indexOf('PATCH 409 (dry run)');
    expect(conflict).toBeGreaterThan(0);
    expect(writes[conflict - 1]).toBe('GET 200');
    expect(writes.slice(conflict + 1, conflict + 3)).toEqual(['GET 200', 'PATCH 200 (dry run)']);
    expect(writes.filter((w) => w.startsWith('PATCH'))).toEqual([
      'PATCH 409 (dry run)',
      'PATCH 200 (dry run)',
      'PATCH 200',
    ]);
    const resumed = requestsSince(started, user).filter(
      (r) => r.query.includes('watch=1') && /[?&]resourceVersion=\d+/.test(r.query),
    );
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    expect(await runningImageIds('dev')).toEqual([1, 2, 3].map(() => `docker-pullable://${image.a}`));
  });

  test('a digest that never becomes ready fails at the progress deadline, is rolled back, and the previous digest runs again', async () => {
    // 45 s was for three JVMs starting at once; a rollout that cannot complete needs only the time
    // for its pod to start and fail a probe. Set as an operator would (the template, hence the
    // revision, stays).
    const deadlineSeconds = 10;
    await kubectlOk(
      'patch',
      'deployment',
      WORKLOAD,
      '-n',
      'dev',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { progressDeadlineSeconds: deadlineSeconds } }),
    );
    expect((await deploymentOf('dev')).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const started = Date.now();
    const result = await runBundledAction('eks-promote', promotion('dev', { image: image.broken }));
    expect(result.exitCode).toBe(1);
    expect(result.outputs['rolled-back']).toBe('true');
    expect(failure(result)).toContain(`deployment "${WORKLOAD}" exceeded its progress deadline`);
    expect(failure(result)).toContain('the previous revision runs again');
    // what runs after the step, not what was asked for
    expect(result.outputs.digest).toBe(digest.a);
    // the deadline was honoured: not called stuck before it passed
    expect(Date.now() - started).toBeGreaterThanOrEqual(deadlineSeconds * 1000);
    expect(result.stdout).toContain('Readiness probe failed');
    const d = await deploymentOf('dev');
    expect(d.spec.template.spec.containers[0]?.image).toBe(image.a);
    expect(await kubectlOk('rollout', 'status', `deployment/${WORKLOAD}`, '-n', 'dev', '--timeout=60s')).toContain(
      'successfully rolled out',
    );
    const ids = await runningImageIds('dev');
    expect(new Set(ids)).toEqual(new Set([`docker-pullable://${image.a}`]));
    expect(ids).toHaveLength(3);
  });

  test('a first promotion that never becomes ready fails with the rollout reason, and what it created is deleted again', async () => {
    const result = await runBundledAction(
      'eks-promote',
      promotion('prod', { image: image.broken, manifests: manifests.prod }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.outputs['rolled-back']).toBe('true');
    expect(failure(result)).toContain(`deployment "${WORKLOAD}" exceeded its progress deadline`);
    expect(failure(result)).toContain(
      `deleted Service/${WORKLOAD}, Deployment/${WORKLOAD}, ConfigMap/${WORKLOAD}, which this promotion created`,
    );
    // nothing runs in prod: the digest output names none
    expect(result.outputs.digest).toBe('');
    for (const kind of ['deployment', 'service', 'configmap']) {
      const gone = await kubectl('get', kind, WORKLOAD, '-n', 'prod');
      expect(gone.stderr).toContain('NotFound');
    }
  });

  test('from-environment: dev into test promotes the digest that runs in dev, read through the read-only role; nothing is pushed', async () => {
    const started = new Date();
    const registryBefore = cloud.admin.registryLog().length;
    const result = await runBundledAction(
      'eks-promote',
      promotion('test', {
        'from-environment': 'dev',
        'source-role-to-assume': role('bakeline-source-test'),
        manifests: manifests.test,
      }),
    );
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ image: image.a, digest: digest.a, revision: '1', 'rolled-back': 'false' });
    expect(await runningImageIds('test')).toEqual([`docker-pullable://${image.a}`]);
    const registryWrites = cloud.admin
      .registryLog()
      .slice(registryBefore)
      .filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(registryWrites).toEqual([]);
    const inDev = requestsSince(started).filter((r) => r.path.includes('/namespaces/dev/'));
    expect(inDev.length).toBeGreaterThan(0);
    for (const r of inDev) expect(r.user).toMatch(/assumed-role\/bakeline-source-test\//);
    expect(inDev.every((r) => r.method === 'GET')).toBe(true);
  });

  test('image: repo:tag is refused unless allow-tag is true; with it the tag is resolved and the workload is set by digest', async () => {
    const tagged = `${cloud.endpoints.registry.host}/${REPO}:sha-b`;
    const before = await deploymentOf('test');
    const started = new Date();
    const refused = await runBundledAction('eks-promote', promotion('test', { image: tagged }));
    expect(refused.exitCode).toBe(1);
    expect(failure(refused)).toMatch(/^Input 'image': got "[^"]+:sha-b", a tag; expected repository@sha256:<64 hex>/);
    expect(requestsSince(started)).toEqual([]);
    expect((await deploymentOf('test')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const allowed = await runBundledAction(
      'eks-promote',
      promotion('test', { image: tagged, 'allow-tag': 'true', 'ecr-endpoint': cloud.endpoints.ecr }),
    );
    expectSuccess(allowed);
    expect(allowed.outputs).toMatchObject({ image: image.b, digest: digest.b, 'previous-digest': digest.a });
    expect(allowed.stdout).toContain(`allow-tag: ${tagged} is ${digest.b}`);
    expect((await deploymentOf('test')).spec.template.spec.containers[0]?.image).toBe(image.b);
    expect(await runningImageIds('test')).toEqual([`docker-pullable://${image.b}`]);
  });

  test('kubectl rollout history and rollout undo behave on the promoted workload as on a cluster', async () => {
    const history = await kubectlOk('rollout', 'history', `deployment/${WORKLOAD}`, '-n', 'test');
    expect(history).toMatch(new RegExp(`REVISION\\s+CHANGE-CAUSE\\n1\\s+bakeline eks-promote ${digest.a}`));
    expect(history).toMatch(new RegExp(`\\n2\\s+bakeline eks-promote ${digest.b}`));
    const rev1 = await kubectlOk('rollout', 'history', `deployment/${WORKLOAD}`, '-n', 'test', '--revision=1');
    expect(rev1).toContain(`Image:\t${image.a}`);
    expect(await kubectlOk('rollout', 'undo', `deployment/${WORKLOAD}`, '-n', 'test')).toContain(
      `deployment.apps/${WORKLOAD} rolled back`,
    );
    expect(await kubectlOk('rollout', 'status', `deployment/${WORKLOAD}`, '-n', 'test', '--timeout=90s')).toContain(
      'successfully rolled out',
    );
    const d = await deploymentOf('test');
    expect(d.spec.template.spec.containers[0]?.image).toBe(image.a);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(await kubectlOk('rollout', 'history', `deployment/${WORKLOAD}`, '-n', 'test')).toMatch(
      new RegExp(
        `REVISION\\s+CHANGE-CAUSE\\n2\\s+bakeline eks-promote ${digest.b}[^\\n]*\\n3\\s+bakeline eks-promote ${digest.a}`,
      ),
    );
    expect(await runningImageIds('test')).toEqual([`docker-pullable://${image.a}`]);
  });

  test('a role without an access entry for the namespace fails with an error naming the role and the namespace, and changes nothing', async () => {
    const before = await deploymentOf('test');
    const result = await runBundledAction('eks-promote', {
      ...promotion('dev', { image: image.b, namespace: 'test', environment: 'test' }),
    });
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toContain(
      `role ${role('bakeline-deploy-dev')} has no access to namespace 'test' of cluster ${kubeEndpoints.clusterName} (403 Forbidden)`,
    );
    expect(failure(result)).toContain('cannot get resource "deployments" in API group "apps" in the namespace "test"');
    expect((await deploymentOf('test')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const prodRole = role('bakeline-deploy-prod');
    const entry = kube.accessEntries().find((e) => e.principalArn === prodRole);
    expect(entry).toBeDefined();
    kube.deleteAccessEntry(prodRole);
    try {
      const unknown = await runBundledAction('eks-promote', promotion('prod', { image: image.a }));
      expect(unknown.exitCode).toBe(1);
      expect(failure(unknown)).toContain(
        `Cluster ${kubeEndpoints.clusterName} did not accept role ${prodRole} (401 Unauthorized)`,
      );
    } finally {
      if (entry) kube.setAccessEntry(entry);
    }
  });

  test('an expired or tampered EKS token is refused with 401; a 14-minute-old one is accepted', async () => {
    const creds = cloud.admin.roleCredentials('bakeline-deploy-dev', { sessionName: 'tokens' });
    const token = (ageMs: number) =>
      createEksToken({
        clusterName: kubeEndpoints.clusterName,
        region: cloud.endpoints.region,
        credentials: creds,
        now: () => new Date(Date.now() - ageMs),
      }).then((t) => t.token);
    const get = async (name: string, t: string) =>
      exec('kubectl', ['--kubeconfig', kube.writeTokenKubeconfig(name, t, 'dev'), 'get', 'deployments'], {
        timeoutMs: 60_000,
      });
    const fresh = await token(14 * 60_000);
    const ok = await get('fourteen-minutes', fresh);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(WORKLOAD);

    const expired = await get('sixteen-minutes', await token(16 * 60_000));
    expect(expired.exitCode).toBe(1);
    expect(expired.stderr).toContain('error: You must be logged in to the server (Unauthorized)');

    const url = new URL(Buffer.from(fresh.slice('k8s-aws-v1.'.length), 'base64url').toString());
    const sig = url.searchParams.get('X-Amz-Signature') ?? '';
    url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    const tampered = await get('tampered', `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`);
    expect(tampered.exitCode).toBe(1);
    expect(tampered.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
    const reasons = kube.authFailures().map((f) => JSON.stringify(f));
    expect(reasons.some((r) => r.includes('X-Amz-Date parameter is expired (15 minute expiration)'))).toBe(true);
    expect(reasons.some((r) => r.includes('SignatureDoesNotMatch') || r.includes('signature'))).toBe(true);
  });

  test('SIGINT then SIGTERM during a rollout: the action stops waiting, reports the rollout state, and leaves the rollout as it is', async () => {
    const runningBefore = await runningImageIds('test');
    expect(runningBefore).toHaveLength(1);
    // cancelled once the action waits for the rollout and the never-ready pod runs beside the old one
    const cancel = new AbortController();
    let waiting = false;
    const run = runBundledAction('eks-promote', {
      ...promotion('test', { image: image.broken }),
      signal: cancel.signal,
      onLine: (line) => {
        if (line.includes(`Waiting for deployment "${WORKLOAD}" rollout to finish`)) waiting = true;
      },
    });
    let done = false;
    const ended = () => {
      done = true;
    };
    run.then(ended, ended);
    const deadline = Date.now() + 60_000;
    while (!done && !cancel.signal.aborted) {
      if (Date.now() > deadline) {
        cancel.abort();
        await run;
        throw new Error('the promotion never waited for the rollout with the never-ready pod running');
      }
      if (waiting && (await runningImageIds('test')).includes(`docker-pullable://${image.broken}`)) cancel.abort();
      else await new Promise((r) => setTimeout(r, 250));
    }
    const result = await run;
    expect(result.cancelled).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(result.outputs['rolled-back']).toBe('false');
    expect(failure(result)).toContain('cancelled');
    expect(failure(result)).toMatch(/Waiting for deployment "licensing-service" rollout to finish/);
    const phases = result.phases.map((p) => p.durationMs);
    expect(Math.max(...phases)).toBeLessThan(15_000);
    const d = await deploymentOf('test');
    expect(d.spec.template.spec.containers[0]?.image).toBe(image.broken);
    const status = await kubectl('rollout', 'status', `deployment/${WORKLOAD}`, '-n', 'test', '--watch=false');
    expect(status.stdout).toContain('Waiting for deployment "licensing-service" rollout to finish');
    // the old pod still serves (maxUnavailable 0); the never-ready one is left running beside it
    expect(await runningImageIds('test')).toEqual(
      expect.arrayContaining([...runningBefore, `docker-pullable://${image.broken}`]),
    );
  });
});
