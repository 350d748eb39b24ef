// A promotion checks everything before its first write, and a promotion that fails after it
// restores what it changed, and only that. Run from the bundle through the harness against the
// local cloud, with the dev deploy role (AmazonEKSEditPolicy on namespace dev: it may not write
// RoleBindings). The real kubectl checks what the cluster is left with.
// Time budget: about 1.5 minutes (busybox images, two short failing rollouts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeCloudAdmin, LocalCloud } from '@bakeline/local-cloud';
import { runBundledAction } from '@bakeline/test/harness';
import {
  busyboxPusher,
  createEcrRepository,
  expectSuccess,
  failureOf as failure,
  kubeOf,
  promotionRun,
  startTestCloud,
  type TempWorkspace,
  tempWorkspace,
  testDeploymentYaml,
} from '@bakeline/test-fixtures';
import { exec, execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const SHA = 'fedcba9876543210fedcba9876543210fedcba98';
const REPO = 'ostock/flow-service';
const WORKLOAD = 'flow-service';
const NAMESPACE = 'dev';

let cloud: LocalCloud;
let kube: KubeCloudAdmin;
let kubeEndpoints: { clusterName: string; kubeconfig: string; eks: string };
let workspace: string;
let workspaceDir: TempWorkspace | undefined;
/** two images that become ready (different digests) and one that never does */
const image = { good: '', good2: '', never: '' };
const digestOf = (ref: string) => ref.slice(ref.indexOf('@') + 1);

/** busybox images carry no revision label: the manifests are the workspace's ('manifests-from' workspace). */
function promotion(inputs: Record<string, string>) {
  return promotionRun(cloud, {
    workspace,
    sha: SHA,
    runId: '6161',
    environment: NAMESPACE,
    workload: WORKLOAD,
    inputs: {
      // an image pushed by this test, not built by build.yml: the gate is tested in
      // attestations.int.test.ts and acceptance.int.test.ts
      'verify-attestations': 'warn',
      timeout: '2m',
      ...inputs,
    },
    timeoutMs: 180_000,
  });
}

/** 8 s: a busybox pod is ready within 2 s on a loaded machine (github-deployment's rollouts get 6 s) */
function deployment(name: string): string {
  return testDeploymentYaml({ name, image: WORKLOAD, progressDeadlineSeconds: 8, envFromConfigMap: 'settings' });
}

const configMap = (name: string, greeting: string, namespace?: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}data:
  GREETING: ${greeting}
`;

const FILES: Record<string, string> = {
  'deployment.yaml': `${deployment(WORKLOAD)}---\n${configMap('settings', 'hello')}`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: ${WORKLOAD}
spec:
  selector: { app: ${WORKLOAD} }
  ports: [{ port: 80, targetPort: 8080 }]
`,
  'changed.yaml': `${deployment(WORKLOAD)}---\n${configMap('settings', 'bonjour')}---\n${configMap('extra', 'new')}`,
  'other-namespace.yaml': configMap('settings-test', 'hello', 'test'),
  'rolebinding.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${WORKLOAD}-readers
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: readers }]
`,
  'fresh.yaml': deployment('fresh-service'),
  'unrelated.yaml': configMap('unrelated', 'keep-me'),
  'with-env.yaml': deployment(WORKLOAD).replace(
    '          envFrom:',
    '          env: [{ name: REMOVED_LATER, value: "1" }]\n          envFrom:',
  ),
  'hpa.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${WORKLOAD}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${WORKLOAD} }
  minReplicas: 1
  maxReplicas: 3
`,
};

async function kubectl(...args: string[]): Promise<string> {
  return (await execChecked('kubectl', ['--kubeconfig', kubeEndpoints.kubeconfig, ...args], { timeoutMs: 60_000 }))
    .stdout;
}

const get = async (what: string, path: string) =>
  (await kubectl('-n', NAMESPACE, 'get', what, '-o', `jsonpath={${path}}`)).trim();

/** imageIDs of the ready, not terminating pods of a workload, through the real kubectl */
async function readyImageIds(name: string): Promise<string[]> {
  const pods = JSON.parse(await kubectl('-n', NAMESPACE, 'get', 'pods', '-l', `app=${name}`, '-o', 'json')) as {
    items: {
      metadata: { deletionTimestamp?: string };
      status?: { conditions?: { type: string; status: string }[]; containerStatuses?: { imageID: string }[] };
    }[];
  };
  return pods.items
    .filter((p) => p.metadata.deletionTimestamp === undefined)
    .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .flatMap((p) => (p.status?.containerStatuses ?? []).map((c) => c.imageID));
}

/** The API requests of the deploy role since `at` that could change something (dry runs apart). */
function writesSince(at: Date) {
  return kube
    .requestLog()
    .filter((r) => r.at >= at && r.user.includes('bakeline-deploy-dev') && r.method !== 'GET')
    .filter((r) => !/(^|[?&])dryRun=All(&|$)/.test(r.query.replace(/^\?/, '')));
}

beforeAll(async () => {
  workspaceDir = tempWorkspace('bakeline-eks-promote-flow-');
  workspace = workspaceDir.path;
  mkdirSync(join(workspace, 'k8s'));
  for (const [file, text] of Object.entries(FILES)) writeFileSync(join(workspace, 'k8s', file), text);
  // the roles and access entries terraform apply of the example creates
  cloud = await startTestCloud({ pipelineIam: 'terraform-snapshot' });
  ({ admin: kube, endpoints: kubeEndpoints } = kubeOf(cloud));
  await createEcrRepository(cloud, REPO);
  const push = busyboxPusher(cloud, REPO);
  // three tags, independent of each other
  [image.good, image.good2, image.never] = await Promise.all([
    push('good', { 'www/actuator/health': '{"status":"UP"}' }),
    push('good2', { 'www/actuator/health': '{"status":"UP"}', 'www/version': '2' }),
    push('never', { 'www/index.html': 'no health endpoint' }),
  ]);
  expect(new Set([digestOf(image.good), digestOf(image.good2), digestOf(image.never)]).size).toBe(3);
  const first = await runBundledAction(
    'eks-promote',
    promotion({ image: image.good, manifests: 'k8s/deployment.yaml\nk8s/service.yaml' }),
  );
  expectSuccess(first);
  await kubectl('-n', NAMESPACE, 'create', '-f', join(workspace, 'k8s', 'unrelated.yaml'));
}, 300_000);

afterAll(async () => {
  workspaceDir?.remove();
  await cloud?.stop();
});

describe('eks-promote checks everything before the first write', () => {
  test('two manifests, the second in another namespace: refused before any call, the Deployment unchanged', async () => {
    const before = await get(`deployment/${WORKLOAD}`, '.metadata.resourceVersion');
    const started = new Date();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good2, manifests: 'k8s/deployment.yaml\nk8s/other-namespace.yaml' }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toContain(
      "k8s/other-namespace.yaml (document 1, ConfigMap/settings-test) names namespace 'test', but the environment's namespace is 'dev'",
    );
    expect(failure(result)).toContain('refused before any write, nothing was changed');
    expect(writesSince(started)).toEqual([]);
    expect(await get(`deployment/${WORKLOAD}`, '.metadata.resourceVersion')).toBe(before);
    expect(result.outputs.digest ?? '').not.toBe(digestOf(image.good2));
  });

  test('a RoleBinding the deploy role may not create: refused in the dry run, nothing written, no claim beyond the 403', async () => {
    const before = await get(`deployment/${WORKLOAD}`, '.metadata.resourceVersion');
    const started = new Date();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good2, manifests: 'k8s/deployment.yaml\nk8s/rolebinding.yaml' }),
    );
    expect(result.exitCode).toBe(1);
    const message = failure(result);
    expect(message).toContain(
      `k8s/rolebinding.yaml (document 1, RoleBinding/${WORKLOAD}-readers): refused by the API server in a dry run (dryRun=All), Forbidden; nothing was changed`,
    );
    expect(message).toContain('cannot patch resource "rolebindings" in API group "rbac.authorization.k8s.io"');
    // the identity may read and write the namespace: the message does not say it has no access there
    expect(message).not.toContain('has no access to namespace');
    const dryRuns = kube
      .requestLog()
      .filter((r) => r.at >= started && r.method !== 'GET' && r.user.includes('bakeline-deploy-dev'));
    expect(dryRuns.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain(
      `PATCH /apis/rbac.authorization.k8s.io/v1/namespaces/dev/rolebindings/${WORKLOAD}-readers 403`,
    );
    expect(writesSince(started)).toEqual([]);
    expect(await get(`deployment/${WORKLOAD}`, '.metadata.resourceVersion')).toBe(before);
    expect(
      (
        await exec('kubectl', [
          '--kubeconfig',
          kubeEndpoints.kubeconfig,
          '-n',
          NAMESPACE,
          'get',
          'rolebindings',
          '-o',
          'name',
        ])
      ).stdout.trim(),
    ).toBe('');
  });
});

describe('eks-promote restores what a failed promotion changed, and only that', () => {
  test('a rollout that fails after the apply: the Deployment and ConfigMap are restored, the new ConfigMap deleted, the rest untouched; digest is what the pods run', async () => {
    const service = await get(`service/${WORKLOAD}`, '.metadata.resourceVersion');
    const unrelated = await get('configmap/unrelated', '.metadata.resourceVersion');
    expect(await get('configmap/settings', '.data.GREETING')).toBe('hello');
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.never, manifests: 'k8s/changed.yaml\nk8s/service.yaml' }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toContain(`deployment "${WORKLOAD}" exceeded its progress deadline`);
    expect(failure(result)).toContain(
      'restored ConfigMap/settings, Deployment/flow-service; deleted ConfigMap/extra, which this promotion created; the previous revision runs again',
    );
    expect(result.outputs['rolled-back']).toBe('true');
    // what runs now, not what was asked for
    expect(result.outputs.digest).toBe(digestOf(image.good));
    expect(result.outputs.image).toBe(image.good);
    const ids = await readyImageIds(WORKLOAD);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids.map(digestOf))).toEqual(new Set([result.outputs.digest]));
    expect(await get(`deployment/${WORKLOAD}`, '.spec.template.spec.containers[0].image')).toBe(image.good);
    expect(await get('configmap/settings', '.data.GREETING')).toBe('hello');
    const extra = await exec('kubectl', [
      '--kubeconfig',
      kubeEndpoints.kubeconfig,
      '-n',
      NAMESPACE,
      'get',
      'configmap',
      'extra',
    ]);
    expect(extra.stderr).toContain('NotFound');
    // only what it changed: the Service (applied, unchanged) and an object it never named keep their versions
    expect(await get(`service/${WORKLOAD}`, '.metadata.resourceVersion')).toBe(service);
    expect(await get('configmap/unrelated', '.metadata.resourceVersion')).toBe(unrelated);
  });

  test('a first promotion of a workload that never becomes ready: the Deployment it created is deleted', async () => {
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.never, workload: 'fresh-service', manifests: 'k8s/fresh.yaml' }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toContain('deleted Deployment/fresh-service, which this promotion created');
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.outputs.digest).toBe('');
    const gone = await exec('kubectl', [
      '--kubeconfig',
      kubeEndpoints.kubeconfig,
      '-n',
      NAMESPACE,
      'get',
      'deployment',
      'fresh-service',
    ]);
    expect(gone.stderr).toContain('NotFound');
    expect(await readyImageIds(WORKLOAD)).toEqual([`docker-pullable://${image.good}`]);
  });
});

describe('eks-promote applies like kubectl apply --server-side', () => {
  const managers = async () =>
    JSON.parse(await get(`deployment/${WORKLOAD}`, '.metadata.managedFields')) as {
      manager: string;
      operation: string;
      fieldsV1?: { 'f:spec'?: Record<string, unknown> };
    }[];

  test('an env var removed from the manifest is removed from the Deployment (field manager bakeline)', async () => {
    expectSuccess(
      await runBundledAction(
        'eks-promote',
        promotion({ image: image.good2, manifests: 'k8s/with-env.yaml\nk8s/service.yaml' }),
      ),
    );
    expect(await get(`deployment/${WORKLOAD}`, '.spec.template.spec.containers[0].env[0].name')).toBe('REMOVED_LATER');
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good2, manifests: 'k8s/deployment.yaml\nk8s/service.yaml' }),
    );
    expectSuccess(result);
    expect(await get(`deployment/${WORKLOAD}`, '.spec.template.spec.containers[0].env')).toBe('');
    expect((await managers()).map((m) => `${m.manager} ${m.operation}`)).toContain('bakeline Apply');
  });

  test('an image-only promotion applies the image as bakeline-image and leaves what the manifests set', async () => {
    const result = await runBundledAction('eks-promote', promotion({ image: image.good }));
    expectSuccess(result);
    expect(result.outputs.digest).toBe(digestOf(image.good));
    expect((await managers()).map((m) => `${m.manager} ${m.operation}`)).toEqual(
      expect.arrayContaining(['bakeline Apply', 'bakeline-image Apply']),
    );
    // the manifests' fields stay: the ConfigMap reference and the readiness probe
    expect(await get(`deployment/${WORKLOAD}`, '.spec.template.spec.containers[0].envFrom[0].configMapRef.name')).toBe(
      'settings',
    );
    expect(await get(`deployment/${WORKLOAD}`, '.spec.template.spec.containers[0].readinessProbe.httpGet.path')).toBe(
      '/actuator/health',
    );
  });

  test('with a HorizontalPodAutoscaler on the Deployment, a promotion leaves spec.replicas as the autoscaler set it', async () => {
    await kubectl('-n', NAMESPACE, 'create', '-f', join(workspace, 'k8s', 'hpa.yaml'));
    // the autoscaler's decision, through the scale subresource as its controller sends it
    await kubectl('-n', NAMESPACE, 'scale', `deployment/${WORKLOAD}`, '--replicas=2');
    await kubectl('-n', NAMESPACE, 'rollout', 'status', `deployment/${WORKLOAD}`, '--timeout=90s');
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good2, manifests: 'k8s/deployment.yaml\nk8s/service.yaml' }),
    );
    expectSuccess(result);
    expect(result.stdout).toContain(`replicas left to HorizontalPodAutoscaler ${WORKLOAD}`);
    expect(await get(`deployment/${WORKLOAD}`, '.spec.replicas')).toBe('2');
    const bakeline = (await managers()).find((m) => m.manager === 'bakeline' && m.operation === 'Apply');
    expect(bakeline?.fieldsV1?.['f:spec']).toBeDefined();
    expect(bakeline?.fieldsV1?.['f:spec']?.['f:replicas']).toBeUndefined();
    expect(await readyImageIds(WORKLOAD)).toEqual([1, 2].map(() => `docker-pullable://${image.good2}`));
  });
});
