// The API calls eks-promote makes, one function each.
import type { KubeClient, PatchType } from './client.ts';
import type { Deployment, KubeEvent, KubeList, Pod, ReplicaSet } from './types.ts';

const ns = (namespace: string) => encodeURIComponent(namespace);
const deploymentsPath = (namespace: string) => `/apis/apps/v1/namespaces/${ns(namespace)}/deployments`;

export function selectorString(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function getDeployment(client: KubeClient, namespace: string, name: string): Promise<Deployment> {
  return client.request<Deployment>('GET', `${deploymentsPath(namespace)}/${encodeURIComponent(name)}`);
}

export async function listDeployments(
  client: KubeClient,
  namespace: string,
  labelSelector: string,
): Promise<Deployment[]> {
  const list = await client.request<KubeList<Deployment>>('GET', deploymentsPath(namespace), {
    query: { labelSelector },
  });
  return list.items;
}

export function patchDeployment(
  client: KubeClient,
  namespace: string,
  name: string,
  patch: unknown,
  type: PatchType,
  options: { dryRun?: boolean } = {},
): Promise<Deployment> {
  return client.request<Deployment>('PATCH', `${deploymentsPath(namespace)}/${encodeURIComponent(name)}`, {
    body: patch,
    contentType: type,
    ...(options.dryRun ? { query: { dryRun: 'All' } } : {}),
  });
}

export async function listReplicaSets(
  client: KubeClient,
  namespace: string,
  labelSelector: string,
): Promise<ReplicaSet[]> {
  const list = await client.request<KubeList<ReplicaSet>>(
    'GET',
    `/apis/apps/v1/namespaces/${ns(namespace)}/replicasets`,
    {
      query: { labelSelector },
    },
  );
  return list.items;
}

export async function listPods(client: KubeClient, namespace: string, labelSelector: string): Promise<Pod[]> {
  const list = await client.request<KubeList<Pod>>('GET', `/api/v1/namespaces/${ns(namespace)}/pods`, {
    query: { labelSelector },
  });
  return list.items;
}

export async function listEvents(client: KubeClient, namespace: string): Promise<KubeEvent[]> {
  const list = await client.request<KubeList<KubeEvent>>('GET', `/api/v1/namespaces/${ns(namespace)}/events`);
  return list.items;
}

export function podLog(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  tailLines: number,
): Promise<string> {
  return client.text(`/api/v1/namespaces/${ns(namespace)}/pods/${encodeURIComponent(pod)}/log`, {
    container,
    tailLines,
  });
}

/** The ReplicaSets a Deployment owns, newest revision first. */
export async function ownedReplicaSets(client: KubeClient, deployment: Deployment): Promise<ReplicaSet[]> {
  const namespace = deployment.metadata.namespace ?? 'default';
  const sets = await listReplicaSets(client, namespace, selectorString(deployment.spec.selector.matchLabels));
  return sets
    .filter((rs) =>
      rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.uid === deployment.metadata.uid),
    )
    .sort((a, b) => revisionOf(b) - revisionOf(a));
}

export function revisionOf(object: { metadata: { annotations?: Record<string, string> } }): number {
  const value = Number(object.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0');
  return Number.isFinite(value) ? value : 0;
}
