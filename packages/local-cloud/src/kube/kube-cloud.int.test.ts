// The cluster stand-in against the real kubectl 1.32 and a real Docker engine: pods are
// containers pulled by digest from a real registry, probes really run, and kubectl's apply,
// get, describe, set image, rollout status/history/undo and replace behave as on a cluster.
// Time budget: see src/kube/README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BusyboxImage, buildBusyboxImage } from '@bakeline/test-fixtures';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminCertificate } from '../../test/kube/kube-request.ts';
import { watchEvents } from '../../test/kube/watch-events.ts';
import { type Distribution, startDistribution } from '../distribution.ts';
import { findResource, type ResourceDef } from './api/resources.ts';
import { metaOf, type Obj } from './api/store.ts';
import type { Deployment, Pod } from './controllers/types.ts';
import { HOST_PORT_ANNOTATION } from './kubelet/pod-worker.ts';
import { type StartedKubeCloud, startKubeCloud } from './start-kube-cloud.ts';

const pods = findResource('', 'v1', 'pods') as ResourceDef;
const deployments = findResource('apps', 'v1', 'deployments') as ResourceDef;
const replicaSets = findResource('apps', 'v1', 'replicasets') as ResourceDef;
const events = findResource('', 'v1', 'events') as ResourceDef;

let registry: Distribution;
let cloud: StartedKubeCloud;
let v1: BusyboxImage;
let v2: BusyboxImage;

async function kubectl(...args: string[]) {
  return exec('kubectl', ['--kubeconfig', cloud.kubeconfigPath, ...args], { timeoutMs: 120_000 });
}

async function kubectlOk(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function podsOf(app: string): Pod[] {
  return cloud.admin.api.store.list(pods, 'dev', (o) => metaOf(o).labels?.app === app) as unknown as Pod[];
}

function deploymentYaml(
  name: string,
  image: string,
  extra: {
    replicas?: number;
    minReadySeconds?: number;
    deadline?: number;
    command?: string[];
    probePath?: string;
  } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: dev
spec:
  replicas: ${extra.replicas ?? 1}
  minReadySeconds: ${extra.minReadySeconds ?? 0}
  progressDeadlineSeconds: ${extra.deadline ?? 30}
  revisionHistoryLimit: 5
  selector:
    matchLabels: { app: ${name} }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: ${image}
${extra.command ? `          command: ${JSON.stringify(extra.command)}\n` : ''}          ports:
            - containerPort: 8080
          env:
            - name: APP_PROFILE
              valueFrom:
                configMapKeyRef: { name: settings, key: profile }
          readinessProbe:
            httpGet: { path: ${extra.probePath ?? '/actuator/health'}, port: 8080 }
            periodSeconds: 1
            failureThreshold: 2
`;
}

function apply(name: string, yaml: string): Promise<string> {
  const file = join(cloud.kubeconfigPath, '..', `${name}.yaml`);
  writeFileSync(file, yaml);
  return kubectlOk('apply', '-f', file);
}

beforeAll(async () => {
  registry = await startDistribution();
  const files = (version: string) => ({ 'www/actuator/health': '{"status":"UP"}', 'www/version': version });
  v1 = await buildBusyboxImage({ registry: registry.host, repository: 'team/web', tag: 'v1', files: files('1') });
  v2 = await buildBusyboxImage({ registry: registry.host, repository: 'team/web', tag: 'v2', files: files('2') });
  cloud = await startKubeCloud({ namespaces: ['dev'], backoff: { initialMs: 1000, maxMs: 4000 } });
  await apply(
    'settings',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: dev }\ndata: { profile: staging }\n',
  );
});

afterAll(async () => {
  await cloud?.stop();
  await registry?.stop();
});

describe('the cluster stand-in with the real kubectl and Docker', () => {
  test('apply and rollout status: pods run the digest pulled from the registry and answer on 127.0.0.1', async () => {
    await apply('web', deploymentYaml('web', v1.ref, { replicas: 3, minReadySeconds: 1 }));
    const status = await kubectlOk('rollout', 'status', 'deployment/web', '-n', 'dev', '--timeout=90s');
    expect(status).toContain('deployment "web" successfully rolled out');
    const imageIds = (await kubectlOk('get', 'pods', '-n', 'dev', '-l', 'app=web', '-o', 'jsonpath={..imageID}'))
      .trim()
      .split(/\s+/);
    expect(imageIds).toEqual([
      `docker-pullable://${v1.ref}`,
      `docker-pullable://${v1.ref}`,
      `docker-pullable://${v1.ref}`,
    ]);
    expect(registry.readLog()).toContain(`/v2/team/web/manifests/${v1.digest}`);
    const pod = podsOf('web')[0] as Pod;
    const port = pod.metadata.annotations?.[`${HOST_PORT_ANNOTATION}8080`];
    const res = await fetch(`http://127.0.0.1:${port}/actuator/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"UP"}');
    const [ids] = cloud.admin.containerIds('dev', pod.metadata.name);
    const env = await exec('docker', ['inspect', '--format', '{{json .Config.Env}}', ids?.current ?? 'missing']);
    expect(JSON.parse(env.stdout) as string[]).toContain('APP_PROFILE=staging');
    const table = await kubectlOk('get', 'deployment', 'web', '-n', 'dev');
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+/);
  });

  test('a rollout with 3 replicas, maxSurge 1, maxUnavailable 0 never shows more than 4 pods or fewer than 3 available', async () => {
    const admin = adminCertificate(readFileSync(cloud.kubeconfigPath, 'utf8'));
    const live = new Map<string, boolean>();
    let maxPods = 0;
    let minAvailable = Number.POSITIVE_INFINITY;
    const podWatch = watchEvents(
      cloud.apiUrl,
      cloud.caPem,
      '/api/v1/namespaces/dev/pods?labelSelector=app%3Dweb',
      admin,
      (e) => {
        const o = e.object as Obj;
        const name = metaOf(o).name;
        if (e.type === 'DELETED' || metaOf(o).deletionTimestamp) live.delete(name);
        else live.set(name, true);
        maxPods = Math.max(maxPods, live.size);
      },
    );
    const deployWatch = watchEvents(
      cloud.apiUrl,
      cloud.caPem,
      '/apis/apps/v1/namespaces/dev/deployments?fieldSelector=metadata.name%3Dweb',
      admin,
      (e) => {
        const status = (e.object as unknown as Deployment).status;
        minAvailable = Math.min(minAvailable, status?.availableReplicas ?? 0);
      },
    );
    await kubectlOk('annotate', 'deployment/web', '-n', 'dev', 'kubernetes.io/change-cause=version 2');
    await kubectlOk('set', 'image', 'deployment/web', '-n', 'dev', `app=${v2.ref}`);
    const status = await kubectlOk('rollout', 'status', 'deployment/web', '-n', 'dev', '--timeout=120s');
    expect(status).toContain('successfully rolled out');
    podWatch.close();
    deployWatch.close();
    expect(maxPods).toBe(4);
    expect(minAvailable).toBe(3);
    const imageIds = (
      await kubectlOk(
        'get',
        'pods',
        '-n',
        'dev',
        '-l',
        'app=web',
        '--field-selector=status.phase=Running',
        '-o',
        'jsonpath={..imageID}',
      )
    )
      .trim()
      .split(/\s+/);
    expect(new Set(imageIds.filter((id) => id !== ''))).toContain(`docker-pullable://${v2.ref}`);
    await until('old pods gone', () => podsOf('web').every((p) => p.spec.containers[0]?.image === v2.ref));
  });

  test('rollout history and undo re-use the previous ReplicaSet with the next revision', async () => {
    const before = cloud.admin.api.store.list(replicaSets, 'dev') as unknown as {
      metadata: { name: string; annotations?: Record<string, string> };
      spec: { template: { spec: { containers: { image: string }[] } } };
    }[];
    const v1Rs = before.find((rs) => rs.spec.template.spec.containers[0]?.image === v1.ref);
    expect(v1Rs?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const history = await kubectlOk('rollout', 'history', 'deployment/web', '-n', 'dev');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+version 2\n2\s+version 2/);
    expect(await kubectlOk('rollout', 'undo', 'deployment/web', '-n', 'dev')).toContain(
      'deployment.apps/web rolled back',
    );
    expect(await kubectlOk('rollout', 'status', 'deployment/web', '-n', 'dev', '--timeout=120s')).toContain(
      'successfully rolled out',
    );
    const after = cloud.admin.api.store.get(replicaSets, 'dev', v1Rs?.metadata.name ?? '') as unknown as {
      metadata: { annotations?: Record<string, string> };
      spec: { replicas: number };
    };
    expect(after.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(after.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(after.spec.replicas).toBe(3);
    expect(await kubectlOk('rollout', 'history', 'deployment/web', '-n', 'dev')).toMatch(
      /REVISION\s+CHANGE-CAUSE\n2\s+version 2\n3\s+version 2/,
    );
    const d = cloud.admin.api.store.get(deployments, 'dev', 'web') as unknown as Deployment;
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(d.status?.observedGeneration).toBe(d.metadata.generation);
    const describe = await kubectlOk('describe', 'deployment', 'web', '-n', 'dev');
    expect(describe).toContain(`NewReplicaSet:   ${v1Rs?.metadata.name} (3/3 replicas created)`);
    expect(describe).toMatch(/ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled (up|down) replica set/);
  });

  test('kubectl rollout status of a finished rollout returns at once: a quiet watch still gets its headers', async () => {
    // client-go's reflector cannot stop a watch before its response headers arrive; an API server
    // that held them back until the first event kept kubectl waiting after "successfully rolled out".
    const started = Date.now();
    const r = await exec(
      'kubectl',
      ['--kubeconfig', cloud.kubeconfigPath, 'rollout', 'status', 'deployment/web', '-n', 'dev', '--timeout=20s'],
      { timeoutMs: 30_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment "web" successfully rolled out\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a write with a stale resourceVersion is refused with 409', async () => {
    const stale = await kubectlOk('get', 'deployment', 'web', '-n', 'dev', '-o', 'json');
    await kubectlOk('label', 'deployment/web', '-n', 'dev', 'touched=yes');
    const file = join(cloud.kubeconfigPath, '..', 'stale.json');
    writeFileSync(file, stale);
    const r = await kubectl('replace', '-f', file);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test('minReadySeconds delays availability after the pod is ready', async () => {
    await apply('slow', deploymentYaml('slow', v1.ref, { minReadySeconds: 4 }));
    const readyAt = await until('slow pod ready', () => {
      const c = podsOf('slow')[0]?.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
      return c ? Date.now() : undefined;
    });
    const availableAt = await until('slow available', () => {
      const d = cloud.admin.api.store.get(deployments, 'dev', 'slow') as unknown as Deployment;
      return (d.status?.availableReplicas ?? 0) >= 1 ? Date.now() : undefined;
    });
    expect(availableAt - readyAt).toBeGreaterThanOrEqual(2500);
    expect(availableAt - readyAt).toBeLessThan(8000);
  });

  test('a readiness probe fails when the app in the container stops answering', async () => {
    const command = [
      '/bin/busybox',
      'sh',
      '-c',
      '/bin/busybox httpd -f -p 8080 -h /www & echo $! > /tmp/httpd.pid; exec /bin/busybox sleep 600',
    ];
    await apply('stopper', deploymentYaml('stopper', v1.ref, { command }));
    expect(await kubectlOk('rollout', 'status', 'deployment/stopper', '-n', 'dev', '--timeout=60s')).toContain(
      'successfully rolled out',
    );
    const pod = podsOf('stopper')[0] as Pod;
    const [ids] = cloud.admin.containerIds('dev', pod.metadata.name);
    const kill = await exec('docker', [
      'exec',
      ids?.current ?? 'missing',
      '/bin/busybox',
      'sh',
      '-c',
      'read pid < /tmp/httpd.pid; kill $pid',
    ]);
    expect(kill.exitCode).toBe(0);
    await until(
      'pod not ready',
      () => podsOf('stopper')[0]?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False',
      15_000,
    );
    const unhealthy = cloud.admin.api.store.list(
      events,
      'dev',
      (e) => (e.involvedObject as { name?: string }).name === pod.metadata.name && e.reason === 'Unhealthy',
    );
    expect(String(unhealthy[0]?.message)).toMatch(
      /^Readiness probe failed: Get "http:\/\/127\.0\.0\.1:8080\/actuator\/health": dial tcp 127\.0\.0\.1:8080: connect: connection refused$/,
    );
    const d = await until('deployment unavailable', () => {
      const x = cloud.admin.api.store.get(deployments, 'dev', 'stopper') as unknown as Deployment;
      return (x.status?.availableReplicas ?? 1) === 0 ? x : undefined;
    });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('False');
  });

  test('a crashing container goes into CrashLoopBackOff and the rollout exceeds its progress deadline', async () => {
    await apply(
      'crash',
      deploymentYaml('crash', v1.ref, { command: ['/bin/busybox', 'sh', '-c', 'echo starting; exit 3'], deadline: 4 }),
    );
    const r = await kubectl('rollout', 'status', 'deployment/crash', '-n', 'dev', '--timeout=60s');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: deployment "crash" exceeded its progress deadline');
    const pod = await until('CrashLoopBackOff', () =>
      podsOf('crash').find((p) => p.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff'),
    );
    const s = pod.status?.containerStatuses?.[0];
    expect(s?.restartCount).toBeGreaterThanOrEqual(1);
    expect(s?.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(await kubectlOk('logs', '-n', 'dev', pod.metadata.name, '--previous')).toBe('starting\n');
    const d = cloud.admin.api.store.get(deployments, 'dev', 'crash') as unknown as Deployment;
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
  });

  test('an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff', async () => {
    const seen = new Set<string>();
    const unsubscribe = cloud.admin.api.store.subscribe((e) => {
      if (e.def !== pods || metaOf(e.object).labels?.app !== 'nopull') return;
      const reason = (e.object as unknown as Pod).status?.containerStatuses?.[0]?.state.waiting?.reason;
      if (reason) seen.add(reason);
    });
    const missing = `${v1.ref.slice(0, v1.ref.indexOf('@'))}@sha256:${'0'.repeat(64)}`;
    await apply('nopull', deploymentYaml('nopull', missing));
    await until('ImagePullBackOff', () => seen.has('ImagePullBackOff'), 30_000);
    unsubscribe();
    expect([...seen]).toEqual(expect.arrayContaining(['ErrImagePull', 'ImagePullBackOff']));
    const get = await kubectlOk('get', 'pods', '-n', 'dev', '-l', 'app=nopull');
    expect(get).toMatch(/0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/);
  });

  test('deleting a pod removes its container; stop removes every container', async () => {
    const pod = podsOf('slow')[0] as Pod;
    const [ids] = cloud.admin.containerIds('dev', pod.metadata.name);
    await kubectlOk('delete', 'pod', pod.metadata.name, '-n', 'dev', '--wait=true', '--timeout=30s');
    const inspect = await exec('docker', ['container', 'inspect', ids?.current ?? 'missing']);
    expect(inspect.exitCode).toBe(1);
    await until('replacement pod', () => podsOf('slow').some((p) => p.metadata.name !== pod.metadata.name));
    const label = cloud.containerLabel;
    const before = await exec('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`]);
    expect(before.stdout.trim()).not.toBe('');
    await cloud.stop();
    const after = await exec('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`]);
    expect(after.stdout.trim()).toBe('');
  });
});
