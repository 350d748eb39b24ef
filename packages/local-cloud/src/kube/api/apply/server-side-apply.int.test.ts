// Server-side apply in the stand-in against the real kubectl: field managers, conflicts and
// --force-conflicts, removal of what a manifest stops applying, --dry-run=server, the scale
// subresource owning replicas (an autoscaling/v2 HPA's target), and the takeover of an object
// created by POST. A cluster
// without nodes: no pods run, ownership is all that is checked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type StartedKubeCloud, startKubeCloud } from '../../start-kube-cloud.ts';

let cloud: StartedKubeCloud;

async function kubectl(...args: string[]) {
  return exec('kubectl', ['--kubeconfig', cloud.kubeconfigPath, ...args], { timeoutMs: 120_000 });
}

async function kubectlOk(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

function manifestFile(name: string, yaml: string): string {
  const file = join(cloud.kubeconfigPath, '..', `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function deployment(
  name: string,
  options: { image?: string; replicas?: number; env?: Record<string, string> } = {},
): string {
  const env = Object.entries(options.env ?? {});
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: dev
spec:
${options.replicas !== undefined ? `  replicas: ${options.replicas}\n` : ''}  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: app
          image: ${options.image ?? 'registry.local/web:1'}
${env.length > 0 ? `          env:\n${env.map(([k, v]) => `            - name: ${k}\n              value: "${v}"\n`).join('')}` : ''}`;
}

function hpaYaml(target: string, maxReplicas: number): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ${target}, namespace: dev }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${target} }
  maxReplicas: ${maxReplicas}
`;
}

interface Live {
  metadata: {
    resourceVersion: string;
    managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1: unknown }[];
  };
  spec: { replicas: number; template: { spec: { containers: { image: string; env?: { name: string }[] }[] } } };
}

async function getDeployment(name: string): Promise<Live> {
  return JSON.parse(
    await kubectlOk('get', 'deployment', name, '-n', 'dev', '-o', 'json', '--show-managed-fields'),
  ) as Live;
}

function managers(live: Live): string[] {
  return (live.metadata.managedFields ?? []).map(
    (m) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`,
  );
}

beforeAll(async () => {
  cloud = await startKubeCloud({ namespaces: ['dev'], node: false });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('kubectl apply --server-side against the stand-in', () => {
  test('a field of manager A changed by manager B is a 409 naming A, and --force-conflicts takes it', async () => {
    const first = manifestFile('conflict-a', deployment('conflict', { image: 'registry.local/web:1' }));
    expect(await kubectlOk('apply', '--server-side', '--field-manager=team-a', '-f', first)).toContain(
      'deployment.apps/conflict serverside-applied',
    );
    const changed = manifestFile('conflict-b', deployment('conflict', { image: 'registry.local/web:2' }));
    const refused = await kubectl('apply', '--server-side', '--field-manager=team-b', '-f', changed);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "team-a"');
    expect(refused.stderr).toContain('.spec.template.spec.containers[name="app"].image');
    expect((await getDeployment('conflict')).spec.template.spec.containers[0]?.image).toBe('registry.local/web:1');

    await kubectlOk('apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', changed);
    const live = await getDeployment('conflict');
    expect(live.spec.template.spec.containers[0]?.image).toBe('registry.local/web:2');
    const entries = live.metadata.managedFields ?? [];
    const teamB = entries.find((m) => m.manager === 'team-b');
    expect(teamB).toMatchObject({ operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(JSON.stringify(teamB?.fieldsV1)).toContain('"k:{\\"name\\":\\"app\\"}":{".":{},"f:image":{}');
    const teamA = entries.find((m) => m.manager === 'team-a');
    expect(JSON.stringify(teamA?.fieldsV1)).not.toContain('f:image');
  });

  test('an env var removed from the manifest is removed from the object', async () => {
    const both = manifestFile('env-1', deployment('env', { env: { PROFILE: 'dev', REGION: 'eu' } }));
    await kubectlOk('apply', '--server-side', '-f', both);
    const before = await getDeployment('env');
    expect(before.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['PROFILE', 'REGION']);
    const one = manifestFile('env-2', deployment('env', { env: { PROFILE: 'dev' } }));
    await kubectlOk('apply', '--server-side', '-f', one);
    const after = await getDeployment('env');
    expect(after.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['PROFILE']);
  });

  test('--dry-run=server answers the applied object and changes nothing', async () => {
    await kubectlOk('apply', '--server-side', '-f', manifestFile('dry-1', deployment('dry', { replicas: 1 })));
    const before = await getDeployment('dry');
    const file = manifestFile('dry-2', deployment('dry', { replicas: 4, image: 'registry.local/web:9' }));
    const answered = JSON.parse(
      await kubectlOk('apply', '--server-side', '--dry-run=server', '-f', file, '-o', 'json'),
    ) as Live;
    expect(answered.spec.replicas).toBe(4);
    const after = await getDeployment('dry');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.replicas).toBe(1);
  });

  test('replicas set through the scale subresource by another manager survive an apply without replicas', async () => {
    await kubectlOk('apply', '--server-side', '-f', manifestFile('scaled-1', deployment('scaled', { replicas: 2 })));
    await kubectlOk('scale', 'deployment/scaled', '-n', 'dev', '--replicas=5');
    const scaled = await getDeployment('scaled');
    expect(managers(scaled)).toContain('kubectl/Update/scale');
    const scaleEntry = scaled.metadata.managedFields?.find((m) => m.subresource === 'scale');
    expect(scaleEntry?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });

    await kubectlOk('apply', '--server-side', '-f', manifestFile('scaled-2', deployment('scaled')));
    const after = await getDeployment('scaled');
    expect(after.spec.replicas).toBe(5);
  });

  test('an autoscaling/v2 HorizontalPodAutoscaler is served, and its scaling through /scale wins over the manifest', async () => {
    await kubectlOk('apply', '--server-side', '-f', manifestFile('hpa-1', deployment('hpa-target', { replicas: 2 })));
    const invalid = await kubectl('apply', '--server-side', '-f', manifestFile('hpa-bad', hpaYaml('hpa-target', 0)));
    expect(invalid.stderr).toContain('The HorizontalPodAutoscaler "hpa-target" is invalid');
    expect(invalid.stderr).toContain('spec.maxReplicas: Invalid value: 0: must be greater than 0');
    await kubectlOk('apply', '--server-side', '-f', manifestFile('hpa-2', hpaYaml('hpa-target', 6)));
    expect(await kubectlOk('get', 'hpa', '-n', 'dev', '-o', 'name')).toBe(
      'horizontalpodautoscaler.autoscaling/hpa-target\n',
    );
    const hpa = JSON.parse(await kubectlOk('get', 'hpa', 'hpa-target', '-n', 'dev', '-o', 'json')) as {
      spec: { minReplicas: number; metrics: unknown[] };
    };
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toHaveLength(1);
    // what the HPA controller does: scale the target through its scale subresource
    await kubectlOk(
      'patch',
      'deployment',
      'hpa-target',
      '-n',
      'dev',
      '--subresource=scale',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":4}}',
      '--field-manager=kube-controller-manager',
    );
    const scaled = await getDeployment('hpa-target');
    expect(managers(scaled)).toEqual(['kubectl/Apply', 'kube-controller-manager/Update/scale']);
    // a manifest that still says replicas: 2 now conflicts with the autoscaler's field
    const again = await kubectl(
      'apply',
      '--server-side',
      '-f',
      manifestFile('hpa-3', deployment('hpa-target', { replicas: 2 })),
    );
    expect(again.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas',
    );
    await kubectlOk(
      'apply',
      '--server-side',
      '-f',
      manifestFile('hpa-4', deployment('hpa-target', { image: 'registry.local/web:3' })),
    );
    const after = await getDeployment('hpa-target');
    expect(after.spec.replicas).toBe(4);
    expect(after.spec.template.spec.containers[0]?.image).toBe('registry.local/web:3');
  });

  test('an object created by POST is taken over by its first forced apply', async () => {
    await kubectlOk('create', '-f', manifestFile('posted-1', deployment('posted', { replicas: 2 })));
    const created = await getDeployment('posted');
    expect(managers(created)).toEqual(['kubectl-create/Update']);
    const next = manifestFile('posted-2', deployment('posted', { image: 'registry.local/web:2' }));
    const refused = await kubectl('apply', '--server-side', '--field-manager=bakeline', '-f', next);
    expect(refused.stderr).toContain('conflict with "kubectl-create" using apps/v1');
    await kubectlOk('apply', '--server-side', '--field-manager=bakeline', '--force-conflicts', '-f', next);
    const taken = await getDeployment('posted');
    expect(taken.spec.template.spec.containers[0]?.image).toBe('registry.local/web:2');
    // bakeline owns what it applied; kubectl-create keeps what bakeline did not apply (replicas)
    expect(managers(taken)).toEqual(['bakeline/Apply', 'kubectl-create/Update']);
    expect(taken.spec.replicas).toBe(2);
  });
});
