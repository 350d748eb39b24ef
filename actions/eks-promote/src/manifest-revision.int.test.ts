// Acceptance: a promotion from test to prod applies the manifests of the commit that built the
// digest, even when the dispatch ref has other ones. The bundled dist/ through the harness, against
// the local cloud (OIDC -> STS -> EKS -> the Kubernetes stand-in); the workspace is a shallow clone
// of a scratch repository whose HEAD (the dispatch ref) changed the prod overlay after the image
// was built, so the action also fetches the image's commit. The real kubectl reads back the result.
// Time budget: about 1 minute (two short rollouts of a busybox image).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import { busyboxPusher } from '@bakeline/test-fixtures';
import { execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const REPO = 'ostock/licensing-service';
const WORKLOAD = 'licensing-service';
const root = mkdtempSync(join(tmpdir(), 'bakeline-manifest-revision-'));
const origin = join(root, 'origin');
const workspace = join(root, 'workspace');
let cloud: LocalCloud;
let image = '';
let built = '';
let head = '';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (
    await execChecked('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, timeoutMs: 60_000 })
  ).stdout.trim();
}

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(origin, path)), { recursive: true });
    writeFileSync(join(origin, path), content);
  }
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${WORKLOAD}
  labels: { app: ${WORKLOAD} }
spec:
  replicas: 1
  progressDeadlineSeconds: 30
  selector: { matchLabels: { app: ${WORKLOAD} } }
  template:
    metadata: { labels: { app: ${WORKLOAD} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: ${WORKLOAD}
          image: ${WORKLOAD}
          ports: [{ containerPort: 8080 }]
          env:
            - name: GREETING
              valueFrom: { configMapKeyRef: { name: ${WORKLOAD}, key: greeting } }
          readinessProbe:
            httpGet: { path: /actuator/health, port: 8080 }
            periodSeconds: 1
`;

function overlay(greeting: string): string {
  return `resources: [../../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata: { name: ${WORKLOAD} }
      data: { greeting: ${greeting} }
`;
}

function failure(result: HarnessResult): string {
  return result.annotations.find((a) => a.level === 'error')?.message ?? '';
}

function expectSuccess(result: HarnessResult): void {
  expect(result.exitCode, `${failure(result)}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

function promotion(environment: string, inputs: Record<string, string>) {
  const grant = cloud.admin.grantIdToken({ environment });
  const kube = cloud.endpoints.kube as { clusterName: string; eks: string };
  return {
    workspace,
    github: { sha: head, ref: 'refs/heads/main', repository: cloud.endpoints.githubRepository },
    inputs: {
      'cluster-name': kube.clusterName,
      region: cloud.endpoints.region,
      'role-to-assume': cloud.endpoints.roles[`bakeline-deploy-${environment}`] ?? '',
      'eks-endpoint': kube.eks,
      'sts-endpoint': cloud.endpoints.sts,
      // an image pushed by this test, not built by build.yml: the gate is tested in
      // attestations.int.test.ts and acceptance.int.test.ts
      'verify-attestations': 'warn',
      namespace: environment,
      workload: WORKLOAD,
      environment,
      timeout: '2m',
      kustomize: 'k8s/overlays',
      // the revision label is read from the image's registry with an ECR login
      'ecr-endpoint': cloud.endpoints.ecr,
      ...inputs,
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 150_000,
  };
}

async function kubectl(...args: string[]): Promise<string> {
  const kubeconfig = (cloud.endpoints.kube as { kubeconfig: string }).kubeconfig;
  return (await execChecked('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeoutMs: 60_000 })).stdout.trim();
}

beforeAll(async () => {
  mkdirSync(origin, { recursive: true });
  await git(origin, 'init', '--quiet', '--initial-branch=main');
  await git(origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  write({
    'k8s/base/kustomization.yaml': 'resources: [configmap.yaml, deployment.yaml]\n',
    'k8s/base/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${WORKLOAD} }\ndata: { greeting: base }\n`,
    'k8s/base/deployment.yaml': DEPLOYMENT,
    'k8s/overlays/test/kustomization.yaml': overlay('hello-test'),
    'k8s/overlays/prod/kustomization.yaml': overlay('hello-prod'),
  });
  await git(origin, 'add', '-A');
  await git(origin, 'commit', '--quiet', '-m', 'built');
  built = await git(origin, 'rev-parse', 'HEAD');
  write({ 'k8s/overlays/prod/kustomization.yaml': overlay('changed-after-the-build') });
  await git(origin, 'commit', '--quiet', '-am', 'the dispatch ref');
  head = await git(origin, 'rev-parse', 'HEAD');
  await git(root, 'clone', '--quiet', '--depth=1', `file://${origin}`, workspace);

  // the roles, repository and access entries terraform apply of the example creates
  cloud = await startLocalCloud({ log: () => {}, pipelineIam: 'terraform-snapshot' });
  image = await busyboxPusher(cloud, REPO)(
    'built',
    { 'www/actuator/health': '{"status":"UP"}' },
    { 'org.opencontainers.image.revision': built },
  );
}, 300_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('eks-promote manifests from the commit that built the digest', () => {
  test('test, then prod from test: each applies its overlay as the image commit has it, not the dispatch ref', async () => {
    const toTest = await runBundledAction('eks-promote', promotion('test', { image }));
    expectSuccess(toTest);
    expect(toTest.stdout).toContain(`manifests: from commit ${built}, which built ${image}`);
    expect(await kubectl('get', 'configmap', WORKLOAD, '-n', 'test', '-o', 'jsonpath={.data.greeting}')).toBe(
      'hello-test',
    );

    const toProd = await runBundledAction(
      'eks-promote',
      promotion('prod', {
        'from-environment': 'test',
        'source-role-to-assume': cloud.endpoints.roles['bakeline-source-prod'] ?? '',
      }),
    );
    expectSuccess(toProd);
    expect(toProd.outputs.image).toBe(image);
    expect(toProd.stdout).toContain(
      `manifests: rendered k8s/overlays/prod@${built.slice(0, 12)} with kubectl kustomize`,
    );
    // the dispatch ref says changed-after-the-build; the digest was built with hello-prod
    expect(await kubectl('get', 'configmap', WORKLOAD, '-n', 'prod', '-o', 'jsonpath={.data.greeting}')).toBe(
      'hello-prod',
    );
    expect(
      await kubectl(
        'get',
        'deployment',
        WORKLOAD,
        '-n',
        'prod',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      ),
    ).toBe(image);
    // the checkout is still the dispatch ref, with the image's commit fetched beside it
    expect(await git(workspace, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(workspace, 'cat-file', '-t', built)).toBe('commit');
  });

  test('with manifests-from: workspace the same promotion applies the dispatch ref instead', async () => {
    const result = await runBundledAction(
      'eks-promote',
      promotion('prod', {
        'from-environment': 'test',
        'source-role-to-assume': cloud.endpoints.roles['bakeline-source-prod'] ?? '',
        'manifests-from': 'workspace',
      }),
    );
    expectSuccess(result);
    expect(await kubectl('get', 'configmap', WORKLOAD, '-n', 'prod', '-o', 'jsonpath={.data.greeting}')).toBe(
      'changed-after-the-build',
    );
  });
});
