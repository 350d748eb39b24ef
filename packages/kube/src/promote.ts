// A promotion: set the image by digest on each workload, wait like `kubectl rollout status`,
// verify that the ready pods run the digest; on failure collect diagnostics and roll back
// (like `kubectl rollout undo`) every workload this run changed.
import { type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
import { KubeApiError } from './errors.ts';
import { pinnedImage } from './image-ref.ts';
import { annotatePromotion, applyManifest, pinImages, readManifests } from './manifests.ts';
import { getDeployment, listDeployments, revisionOf } from './resources.ts';
import { NoPreviousRevisionError, rollbackDeployment } from './rollback.ts';
import { type ContainerChange, setImageByDigest } from './set-image.ts';
import type { Deployment } from './types.ts';
import { type PodImage, verifyPodsRunDigest } from './verify-pods.ts';
import { RolloutFailedError, waitForRollout } from './wait-rollout.ts';

export type WorkloadSelector = { names: string[] } | { selector: string };

export interface PromoteOptions {
  client: KubeClient;
  namespace: string;
  workloads: WorkloadSelector;
  /** `repository@sha256:…` */
  image: string;
  container?: string;
  manifests?: string[];
  /** setSecret: the values of Secret manifests are masked as they are read */
  mask?: (secret: string) => void;
  timeoutMs: number;
  rollbackOnFailure: boolean;
  changeCause: string;
  stuckGraceMs?: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface WorkloadResult {
  name: string;
  changes: ContainerChange[];
  changed: boolean;
  previousDigest: string | undefined;
  revision: number;
  pods: PodImage[];
}

export interface PromoteResult {
  digest: string;
  previousDigest: string | undefined;
  workloads: WorkloadResult[];
}

export class PromotionFailedError extends Error {
  readonly rolledBack: boolean;
  readonly diagnostics: Diagnostics | undefined;
  readonly cancelled: boolean;
  constructor(
    message: string,
    options: { rolledBack: boolean; diagnostics?: Diagnostics; cancelled?: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'PromotionFailedError';
    this.rolledBack = options.rolledBack;
    this.diagnostics = options.diagnostics;
    this.cancelled = options.cancelled ?? false;
  }
}

export async function resolveWorkloads(
  client: KubeClient,
  namespace: string,
  workloads: WorkloadSelector,
): Promise<Deployment[]> {
  if ('names' in workloads) return Promise.all(workloads.names.map((n) => getDeployment(client, namespace, n)));
  const found = await listDeployments(client, namespace, workloads.selector);
  if (found.length === 0)
    throw new Error(`no Deployment in namespace '${namespace}' matches the selector '${workloads.selector}'`);
  return found;
}

export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const { client, namespace, logger } = options;
  const pinned = pinnedImage(options.image);
  if (!pinned) throw new Error(`image '${options.image}' is not pinned by digest (repository@sha256:<64 hex>)`);
  const pinnedDigest = pinned.digest;
  // What runs before anything is applied: the previous digest, and whether this run changes a workload.
  const before = new Map<string, string[]>();
  for (const d of await resolveWorkloads(client, namespace, options.workloads).catch((error: unknown) => {
    if (error instanceof KubeApiError && error.status === 404) return [];
    if (error instanceof Error && error.message.startsWith('no Deployment') && options.manifests?.length) return [];
    throw error;
  })) {
    before.set(
      d.metadata.name,
      d.spec.template.spec.containers.map((c) => c.image),
    );
  }
  if (options.manifests && options.manifests.length > 0) {
    await logger.group('Apply manifests', async () => {
      for (const { file, manifest } of readManifests(options.manifests ?? [], options.mask)) {
        const pinned = pinImages(manifest, options.image);
        // A Deployment this run creates or moves to the image records the promotion, as set-image does.
        const live = before.get(manifest.metadata.name);
        const runsImage = (
          (pinned as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }).spec?.template?.spec
            ?.containers ?? []
        ).some((c) => c.image === options.image);
        const moves = manifest.kind === 'Deployment' && runsImage && !live?.includes(options.image);
        const applied = await applyManifest(
          client,
          moves ? annotatePromotion(pinned, options.changeCause, pinnedDigest) : pinned,
          namespace,
        );
        logger.info(`${applied.action} ${applied.kind}/${applied.name} from ${file}`);
      }
    });
  }
  const deployments = await resolveWorkloads(client, namespace, options.workloads);
  const done: { deployment: Deployment; result: WorkloadResult }[] = [];
  let current: Deployment | undefined;
  try {
    for (const deployment of deployments) {
      current = deployment;
      const name = deployment.metadata.name;
      const set = await setImageByDigest({
        client,
        namespace,
        name,
        image: options.image,
        digest: pinned.digest,
        changeCause: options.changeCause,
        ...(options.container ? { container: options.container } : {}),
      });
      current = set.after;
      const earlier = before.get(name);
      // Nothing ran before when the manifests above created the workload.
      const previousImages = earlier ?? [];
      const previousDigest = previousImages.map((i) => pinnedImage(i)?.digest).find(Boolean);
      // Changed by this run: by the image patch, or already by the manifests applied above.
      const changed = set.changed || earlier === undefined || !earlier.includes(options.image);
      const result: WorkloadResult = { name, changes: set.changes, changed, previousDigest, revision: 0, pods: [] };
      done.push({ deployment: set.after, result });
      // the images that ran come from the cluster
      logger.info(
        neutralizeWorkflowCommands(
          changed
            ? `${namespace}/${name}: ${previousImages.join(', ') || '(new)'} -> ${options.image}`
            : `${namespace}/${name}: already set to ${options.image}; checking the rollout`,
        ),
      );
      const rolled = await waitForRollout({
        client,
        deployment: set.after,
        newImages: [options.image],
        timeoutMs: options.timeoutMs,
        logger,
        ...(options.stuckGraceMs !== undefined ? { stuckGraceMs: options.stuckGraceMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      result.revision = revisionOf(rolled);
      result.pods = await verifyPodsRunDigest(
        client,
        rolled,
        set.changes.map((c) => c.container),
        pinned.digest,
      );
      logger.info(
        `${namespace}/${name}: revision ${result.revision}, ${result.pods.length} ready pod(s) run ${pinned.digest}`,
      );
    }
  } catch (error: unknown) {
    const cancelled = error instanceof RolloutFailedError && error.failure === 'cancelled';
    const diagnostics = current ? await collectDiagnostics(client, current) : undefined;
    if (cancelled) {
      const state = error instanceof Error ? error.message : String(error);
      throw new PromotionFailedError(`promotion cancelled, nothing rolled back: ${state}`, {
        rolledBack: false,
        cancelled,
        cause: error,
        ...(diagnostics ? { diagnostics } : {}),
      });
    }
    let rolledBack = false;
    if (options.rollbackOnFailure) {
      for (const { deployment, result } of done.reverse()) {
        if (!result.changed) continue;
        const fresh = await getDeployment(client, namespace, deployment.metadata.name);
        let undo: Awaited<ReturnType<typeof rollbackDeployment>>;
        try {
          undo = await rollbackDeployment(client, fresh);
        } catch (rollbackError: unknown) {
          if (!(rollbackError instanceof NoPreviousRevisionError)) throw rollbackError;
          // the rollout's own failure is what the user needs; a first revision has nothing to go back to
          logger.warning(`${namespace}/${deployment.metadata.name}: not rolled back: it has no earlier revision`);
          continue;
        }
        logger.info(
          neutralizeWorkflowCommands(
            `${namespace}/${deployment.metadata.name}: rolling back to revision ${undo.toRevision} (${undo.images.join(', ')})`,
          ),
        );
        await waitForRollout({
          client,
          deployment: undo.deployment,
          newImages: undo.images,
          timeoutMs: options.timeoutMs,
          logger,
        });
        rolledBack = true;
      }
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new PromotionFailedError(message, { rolledBack, cause: error, ...(diagnostics ? { diagnostics } : {}) });
  }
  const previousDigest = done.map((d) => d.result.previousDigest).find(Boolean);
  return { digest: pinned.digest, previousDigest, workloads: done.map((d) => d.result) };
}

/** The digest that runs in an environment: every selected workload pinned to one digest, verified on its ready pods. */
export async function digestRunningIn(
  client: KubeClient,
  namespace: string,
  workloads: WorkloadSelector,
  repository: string | undefined,
  container?: string,
): Promise<{ image: string; digest: string }> {
  const deployments = await resolveWorkloads(client, namespace, workloads);
  const found = new Set<string>();
  for (const deployment of deployments) {
    for (const c of deployment.spec.template.spec.containers) {
      if (container && c.name !== container) continue;
      const pinned = pinnedImage(c.image);
      if (repository && pinned && pinned.repository !== repository) continue;
      if (!pinned) {
        if (container || repository)
          throw new Error(
            `${namespace}/${deployment.metadata.name}: container ${c.name} runs '${c.image}', not pinned by digest`,
          );
        continue;
      }
      await verifyPodsRunDigest(client, deployment, [c.name], pinned.digest);
      found.add(`${pinned.repository}@${pinned.digest}`);
    }
  }
  if (found.size === 0) throw new Error(`no workload in namespace '${namespace}' runs an image pinned by digest`);
  if (found.size > 1)
    throw new Error(`workloads in namespace '${namespace}' run different images: ${[...found].join(', ')}`);
  const image = [...found][0] ?? '';
  return { image, digest: pinnedImage(image)?.digest ?? '' };
}
