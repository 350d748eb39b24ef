// Sets containers' images by digest, like `kubectl set image`, with the change cause and the
// digest recorded as annotations: a server-side apply of only those fields, under its own field
// manager (`bakeline-image`), so it never removes what the manifests' manager (`bakeline`) set.
// The apply carries the resourceVersion it was computed from, so a concurrent write answers 409
// Conflict; then the Deployment is read again and the apply recomputed (bounded).
import { retry } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { FORCE_CONFLICTS, IMAGE_FIELD_MANAGER } from './field-managers.ts';
import { canonicalRepository, repositoryOf } from './image-ref.ts';
import { getDeployment } from './resources.ts';
import { serverSideApply } from './server-side-apply.ts';
import type { Deployment } from './types.ts';

export const ANNOTATION_DIGEST = 'bakeline.io/digest';
export const ANNOTATION_CHANGE_CAUSE = 'kubernetes.io/change-cause';

export interface ContainerChange {
  container: string;
  from: string;
  to: string;
}

/** Containers to change: the named one, or every container whose image repository matches. */
export function selectContainers(deployment: Deployment, image: string, containerName?: string): ContainerChange[] {
  const containers = deployment.spec.template.spec.containers;
  const targetRepository = canonicalRepository(image);
  const chosen = containerName
    ? containers.filter((c) => c.name === containerName)
    : containers.filter((c) => canonicalRepository(c.image) === targetRepository);
  if (chosen.length === 0) {
    const have = containers.map((c) => `${c.name}=${c.image}`).join(', ');
    throw new Error(
      containerName
        ? `deployment ${deployment.metadata.name}: no container named '${containerName}' (containers: ${have})`
        : `deployment ${deployment.metadata.name}: no container runs an image of ${repositoryOf(image)} (containers: ${have}); set 'container'`,
    );
  }
  return chosen.map((c) => ({ container: c.name, from: c.image, to: image }));
}

export interface SetImageOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  image: string;
  digest: string;
  container?: string;
  changeCause: string;
  /** `dryRun=All`: the patch is checked by the server and nothing is stored */
  dryRun?: boolean;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SetImageResult {
  before: Deployment;
  after: Deployment;
  changes: ContainerChange[];
  changed: boolean;
}

export async function setImageByDigest(options: SetImageOptions): Promise<SetImageResult> {
  return retry(
    async () => {
      const before = await getDeployment(options.client, options.namespace, options.name);
      const changes = selectContainers(before, options.image, options.container);
      if (changes.every((c) => c.from === c.to)) {
        return { before, after: before, changes, changed: false };
      }
      const intent = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: options.name,
          namespace: options.namespace,
          ...(before.metadata.resourceVersion ? { resourceVersion: before.metadata.resourceVersion } : {}),
          annotations: { [ANNOTATION_CHANGE_CAUSE]: options.changeCause, [ANNOTATION_DIGEST]: options.digest },
        },
        spec: {
          template: {
            metadata: { annotations: { [ANNOTATION_DIGEST]: options.digest } },
            spec: { containers: changes.map((c) => ({ name: c.container, image: c.to })) },
          },
        },
      };
      const after = (await serverSideApply(options.client, intent, {
        fieldManager: IMAGE_FIELD_MANAGER,
        force: FORCE_CONFLICTS,
        namespace: options.namespace,
        ...(options.dryRun ? { dryRun: true } : {}),
      })) as unknown as Deployment;
      return { before, after, changes, changed: true };
    },
    {
      attempts: options.attempts ?? 5,
      baseDelayMs: 100,
      // only a stale resourceVersion (reason Conflict) is cured by reading again
      classify: (error) =>
        error instanceof KubeApiError && error.status === 409 && error.reason === 'Conflict' ? 'retry' : 'stop',
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
  );
}
