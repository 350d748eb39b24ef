// serverSideApply and omitAutoscaledReplicas against the local cloud's Kubernetes API (no
// nodes), checked with the real kubectl: an object created by POST and strategic-merge patches,
// as eks-promote did before server-side apply, is taken over by its first forced apply; a
// removed env var leaves the object; dryRun writes nothing; replicas stay with an autoscaler.

import { type StartedKubeCloud, startKubeCloud } from '@bakeline/local-cloud';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KubeClient, PatchType } from './client.ts';
import { KubeApiError } from './errors.ts';
import { readKubeconfig } from './kubeconfig.ts';
import { upgradeManagedFields } from './managed-fields-upgrade.ts';
import { type ApplyObject, omitAutoscaledReplicas, serverSideApply } from './server-side-apply.ts';

let cloud: StartedKubeCloud;
let client: KubeClient;

interface Live {
  metadata: {
    resourceVersion: string;
    managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1: Record<string, unknown> }[];
  };
  spec: { replicas: number; template: { spec: { containers: { image: string; env?: { name: string }[] }[] } } };
}

async function kubectlGet(name: string): Promise<Live> {
  const r = await exec(
    'kubectl',
    [
      '--kubeconfig',
      cloud.kubeconfigPath,
      'get',
      'deployment',
      name,
      '-n',
      'dev',
      '-o',
      'json',
      '--show-managed-fields',
    ],
    { timeoutMs: 120_000 },
  );
  if (r.exitCode !== 0) throw new Error(`kubectl get failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Live;
}

function managers(live: Live): string[] {
  return (live.metadata.managedFields ?? []).map(
    (m) => `${m.manager}/${m.operation}${m.subresource ? `/${m.subresource}` : ''}`,
  );
}

function deployment(name: string, options: { image?: string; replicas?: number; env?: string[] } = {}): ApplyObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'dev' },
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: options.image ?? 'registry.local/web:1',
              ...(options.env ? { env: options.env.map((n) => ({ name: n, value: 'x' })) } : {}),
            },
          ],
        },
      },
    },
  };
}

beforeAll(async () => {
  cloud = await startKubeCloud({ namespaces: ['dev'], node: false });
  client = new KubeClient(readKubeconfig(cloud.kubeconfigPath, { mask: () => {} }));
});

afterAll(async () => {
  client?.close();
  await cloud?.stop();
});

describe('server-side apply through the client against the stand-in', () => {
  test('an object created by POST and merge patches is taken over by its first forced apply', async () => {
    // what eks-promote did before: POST, then a strategic merge patch of the whole manifest
    await client.request('POST', '/apis/apps/v1/namespaces/dev/deployments', {
      body: deployment('legacy', { replicas: 2, env: ['A'] }),
    });
    await client.request('PATCH', '/apis/apps/v1/namespaces/dev/deployments/legacy', {
      body: { metadata: { annotations: { 'bakeline.io/note': 'old' } } },
      contentType: PatchType.strategicMerge,
    });
    expect(managers(await kubectlGet('legacy'))).toEqual(['bakeline-eks-promote/Update']);

    const next = deployment('legacy', { replicas: 2, image: 'registry.local/web:2', env: ['A'] });
    const refused = await serverSideApply(client, next, { fieldManager: 'bakeline', force: false }).catch((e) => e);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).status).toBe(409);
    expect((refused as KubeApiError).message).toContain(
      'Apply failed with 1 conflict: conflict with "bakeline-eks-promote" using apps/v1: .spec.template.spec.containers[name="app"].image',
    );

    const applied = await serverSideApply(client, next, { fieldManager: 'bakeline', force: true });
    expect((applied as unknown as Live).spec.template.spec.containers[0]?.image).toBe('registry.local/web:2');
    const live = await kubectlGet('legacy');
    // After the takeover: bakeline (Apply) owns what it applied, the image taken by force and
    // the rest shared; bakeline-eks-promote (Update) keeps what only it wrote (the annotation,
    // defaults such as strategy and imagePullPolicy), which later applies never remove.
    expect(managers(live)).toEqual(['bakeline/Apply', 'bakeline-eks-promote/Update']);
    const old = live.metadata.managedFields?.find((m) => m.manager === 'bakeline-eks-promote');
    expect(JSON.stringify(old?.fieldsV1)).toContain('"f:bakeline.io/note":{}');
    expect(JSON.stringify(old?.fieldsV1)).not.toContain('"f:image"');
    expect(JSON.stringify(old?.fieldsV1)).toContain('f:replicas');
  });

  test('a field only co-owned after a takeover stays; after upgradeManagedFields the next apply removes it', async () => {
    await client.request('POST', '/apis/apps/v1/namespaces/dev/deployments', {
      body: deployment('migrated', { env: ['A', 'B'] }),
    });
    const withoutB = deployment('migrated', { env: ['A'] });
    await serverSideApply(client, withoutB, { fieldManager: 'bakeline', force: true });
    // B is still owned by the POST's manager: a first apply alone does not remove it
    const taken = await kubectlGet('migrated');
    expect(taken.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);

    const options = { fieldManager: 'bakeline', legacyManagers: ['bakeline-eks-promote'] };
    expect(await upgradeManagedFields(client, withoutB, options)).toBe(true);
    expect(managers(await kubectlGet('migrated'))).toEqual(['bakeline/Apply']);
    expect(await upgradeManagedFields(client, withoutB, options)).toBe(false);
    await serverSideApply(client, withoutB, { fieldManager: 'bakeline', force: true });
    const after = await kubectlGet('migrated');
    expect(after.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['A']);
  });

  test('an env var removed from the applied object is removed from the Deployment', async () => {
    await serverSideApply(client, deployment('envs', { env: ['A', 'B'] }), { fieldManager: 'bakeline', force: true });
    expect((await kubectlGet('envs')).spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);
    await serverSideApply(client, deployment('envs', { env: ['A'] }), { fieldManager: 'bakeline', force: true });
    expect((await kubectlGet('envs')).spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['A']);
  });

  test('dryRun answers the would-be object and writes nothing', async () => {
    await serverSideApply(client, deployment('dry', { replicas: 1 }), { fieldManager: 'bakeline', force: true });
    const before = await kubectlGet('dry');
    const answered = (await serverSideApply(client, deployment('dry', { replicas: 3 }), {
      fieldManager: 'bakeline',
      force: true,
      dryRun: true,
    })) as unknown as Live;
    expect(answered.spec.replicas).toBe(3);
    const after = await kubectlGet('dry');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.replicas).toBe(1);
    // an apply that would create nothing new: dry-run of an absent object stores nothing either
    await serverSideApply(client, deployment('never'), { fieldManager: 'bakeline', force: true, dryRun: true });
    await expect(client.request('GET', '/apis/apps/v1/namespaces/dev/deployments/never')).rejects.toMatchObject({
      status: 404,
    });
  });

  test('with an autoscaler on the Deployment, applies leave spec.replicas as the autoscaler set it', async () => {
    await serverSideApply(client, deployment('scaled', { replicas: 2 }), { fieldManager: 'bakeline', force: true });
    await serverSideApply(
      client,
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'scaled', namespace: 'dev' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled' }, maxReplicas: 8 },
      },
      { fieldManager: 'bakeline', force: true },
    );
    // the autoscaler scales through the scale subresource, as kube-controller-manager does
    await client.request('PATCH', '/apis/apps/v1/namespaces/dev/deployments/scaled/scale', {
      body: { spec: { replicas: 6 } },
      contentType: PatchType.merge,
      query: { fieldManager: 'kube-controller-manager' },
    });
    const { object, autoscaler } = await omitAutoscaledReplicas(
      client,
      deployment('scaled', { replicas: 2, image: 'registry.local/web:5' }),
    );
    expect(autoscaler).toBe('scaled');
    await serverSideApply(client, object, { fieldManager: 'bakeline', force: true });
    const live = await kubectlGet('scaled');
    expect(live.spec.replicas).toBe(6);
    expect(live.spec.template.spec.containers[0]?.image).toBe('registry.local/web:5');
    expect(managers(live)).toContain('kube-controller-manager/Update/scale');
  });
});
