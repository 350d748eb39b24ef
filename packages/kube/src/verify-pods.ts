// After a rollout: every ready pod of the workload runs the digest (its container status
// imageID), for the containers that were changed.
import type { KubeClient } from './client.ts';
import { digestOfImageId } from './image-ref.ts';
import { isPodReady } from './pod-health.ts';
import { listPods, selectorString } from './resources.ts';
import type { Deployment, Pod } from './types.ts';

export interface PodImage {
  pod: string;
  container: string;
  imageID: string;
  digest: string | undefined;
  ready: boolean;
}

export function podImages(pods: Pod[], containers: string[]): PodImage[] {
  const result: PodImage[] = [];
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      if (!containers.includes(cs.name)) continue;
      result.push({
        pod: pod.metadata.name,
        container: cs.name,
        imageID: cs.imageID,
        digest: digestOfImageId(cs.imageID),
        ready: isPodReady(pod),
      });
    }
  }
  return result;
}

export async function verifyPodsRunDigest(
  client: KubeClient,
  deployment: Deployment,
  containers: string[],
  digest: string,
): Promise<PodImage[]> {
  const pods = await listPods(
    client,
    deployment.metadata.namespace ?? 'default',
    selectorString(deployment.spec.selector.matchLabels),
  );
  const images = podImages(
    pods.filter((p) => p.metadata.deletionTimestamp === undefined),
    containers,
  ).filter((p) => p.ready);
  if (images.length === 0) throw new Error(`deployment ${deployment.metadata.name}: no ready pod to verify`);
  const wrong = images.filter((p) => p.digest !== digest);
  if (wrong.length > 0) {
    throw new Error(
      `deployment ${deployment.metadata.name}: ready pods do not run ${digest}: ${wrong.map((p) => `${p.pod}/${p.container} runs ${p.imageID || '(no imageID)'}`).join('; ')}`,
    );
  }
  return images;
}
