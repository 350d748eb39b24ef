// What runs after a promotion, whatever became of it: the digest the ready pods of the
// workloads run (their container statuses' imageIDs), for the containers of the promoted image.
// One digest, or undefined when the ready pods run none or several (a rollout left half way).
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { listPods, selectorString } from './resources.ts';
import type { Deployment } from './types.ts';
import { podImages } from './verify-pods.ts';

export async function digestRunning(
  client: KubeClient,
  deployments: readonly Deployment[],
  containers: readonly string[],
): Promise<string | undefined> {
  const digests = new Set<string>();
  for (const deployment of deployments) {
    const namespace = deployment.metadata.namespace ?? 'default';
    let pods: Awaited<ReturnType<typeof listPods>>;
    try {
      pods = await listPods(client, namespace, selectorString(deployment.spec.selector.matchLabels));
    } catch (error: unknown) {
      if (error instanceof KubeApiError) return undefined;
      throw error;
    }
    const live = pods.filter((p) => p.metadata.deletionTimestamp === undefined);
    for (const image of podImages(live, [...containers])) {
      if (image.ready && image.digest) digests.add(image.digest);
    }
  }
  return digests.size === 1 ? [...digests][0] : undefined;
}
