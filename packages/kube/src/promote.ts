// A promotion, as steps that each read alone:
//   1. validate  every manifest document (kind, namespace) before any call   validate-documents.ts
//   2. dry run   every write with dryRun=All, as the deploy identity           dry-run.ts
//   3. snapshot  each object it will touch, before the first write            snapshot.ts
//   4. apply     the manifests, images pinned to the digest                    manifests.ts
//   5. set image by digest on each workload                                    set-image.ts
//   6. wait      like `kubectl rollout status`, failing fast on stuck pods     wait-rollout.ts
//   7. verify    the ready pods run the digest                                 verify-pods.ts
// On a failure after the first write: restore what it changed, and only that (restore.ts), then
// report the digest that runs now (running-digest.ts), never the one that was asked for.
import { type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
import { dryRunDocuments } from './dry-run.ts';
import { KubeApiError } from './errors.ts';
import { pinnedImage } from './image-ref.ts';
import {
  annotatePromotion,
  applyManifest,
  describeDocument,
  type KubeObject,
  type ManifestDocument,
  pinImages,
  readManifests,
} from './manifests.ts';
import { type ObjectRef, objectRef, refName } from './object-ref.ts';
import { getDeployment, listDeployments, revisionOf } from './resources.ts';
import { describeRestore, type RestoreReport, restoreObjects, type WrittenObject } from './restore.ts';
import { digestRunning } from './running-digest.ts';
import { ANNOTATION_CHANGE_CAUSE, type ContainerChange, selectContainers, setImageByDigest } from './set-image.ts';
import { readObject, type Snapshot, takeSnapshots } from './snapshot.ts';
import type { Deployment } from './types.ts';
import { ManifestRefusedError, validateDocuments } from './validate-documents.ts';
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
  /** on a failure after the first write, restore what this promotion changed */
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
  /** the restore put back or deleted what this promotion wrote */
  readonly rolledBack: boolean;
  readonly diagnostics: Diagnostics | undefined;
  readonly cancelled: boolean;
  /** something was written before the failure (false: nothing was changed) */
  readonly wrote: boolean;
  /** the digest the ready pods of the workloads run now; undefined when none or several */
  readonly runningDigest: string | undefined;
  /** what the cluster is left with, in one sentence */
  readonly outcome: string;
  readonly restore: RestoreReport | undefined;
  constructor(
    message: string,
    options: {
      rolledBack: boolean;
      wrote: boolean;
      outcome: string;
      runningDigest?: string | undefined;
      diagnostics?: Diagnostics;
      restore?: RestoreReport;
      cancelled?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'PromotionFailedError';
    this.rolledBack = options.rolledBack;
    this.wrote = options.wrote;
    this.outcome = options.outcome;
    this.runningDigest = options.runningDigest;
    this.diagnostics = options.diagnostics;
    this.restore = options.restore;
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

/** The workloads that exist now (none missing is an error here: a restore may have deleted them). */
async function workloadsNow(client: KubeClient, namespace: string, workloads: WorkloadSelector) {
  if ('selector' in workloads) return listDeployments(client, namespace, workloads.selector);
  const found: Deployment[] = [];
  for (const name of workloads.names) {
    try {
      found.push(await getDeployment(client, namespace, name));
    } catch (error: unknown) {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
  }
  return found;
}

type TemplateImages = { spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } };

/** The documents with images pinned; a Deployment moved to the image records the promotion. */
export function prepareDocuments(
  docs: readonly ManifestDocument[],
  options: PromoteOptions,
  digest: string,
  before: readonly Deployment[],
): ManifestDocument[] {
  const problems: string[] = [];
  const prepared = docs.map((doc) => {
    const pinned = pinImages(doc.manifest, options.image);
    if (pinned.kind !== 'Deployment') return { ...doc, manifest: pinned };
    const live = before.find((d) => d.metadata.name === pinned.metadata.name);
    const containers = (pinned as TemplateImages).spec?.template?.spec?.containers ?? [];
    const runsImage = containers.some((c) => c.image === options.image);
    const selected = 'names' in options.workloads && options.workloads.names.includes(pinned.metadata.name);
    if (selected) {
      try {
        selectContainers(pinned as unknown as Deployment, options.image, options.container);
      } catch (error: unknown) {
        problems.push(`${describeDocument(doc)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (!runsImage) return { ...doc, manifest: pinned };
    // The promotion's record is part of what bakeline applies: a Deployment moved to the image
    // records this run; one that already runs it keeps the record it has (so a re-run changes
    // nothing, and an apply without the annotations would remove them).
    const moves = !live?.spec.template.spec.containers.some((c) => c.image === options.image);
    const recorded = live?.metadata.annotations?.[ANNOTATION_CHANGE_CAUSE];
    const cause = moves || recorded === undefined ? options.changeCause : recorded;
    return { ...doc, manifest: annotatePromotion(pinned, cause, digest) };
  });
  if (problems.length > 0) throw new ManifestRefusedError(problems);
  return prepared;
}

const deploymentRef = (namespace: string, name: string) => objectRef('Deployment', namespace, name);

export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const { client, namespace, logger } = options;
  const pinned = pinnedImage(options.image);
  if (!pinned) throw new Error(`image '${options.image}' is not pinned by digest (repository@sha256:<64 hex>)`);
  const digest = pinned.digest;

  // 1. validate: no call to the cluster yet
  const docs = readManifests(options.manifests ?? [], options.mask);
  validateDocuments(docs, namespace);
  const before = await resolveWorkloads(client, namespace, options.workloads).catch((error: unknown) => {
    if (docs.length === 0) throw error;
    if (error instanceof KubeApiError && error.status === 404) return [];
    if (error instanceof Error && error.message.startsWith('no Deployment')) return [];
    throw error;
  });
  const prepared = prepareDocuments(docs, options, digest, before);

  // 2. dry run: every write, checked by the server, nothing stored
  const inManifests = (name: string) =>
    prepared.some((d) => d.manifest.kind === 'Deployment' && d.manifest.metadata.name === name);
  await logger.group('Check every write with the server (dry run)', async () => {
    await dryRunDocuments(
      client,
      prepared,
      namespace,
      before
        .filter((d) => !inManifests(d.metadata.name))
        .map((d) => ({
          description: `Deployment/${d.metadata.name} (image)`,
          run: () =>
            setImageByDigest({
              client,
              namespace,
              name: d.metadata.name,
              image: options.image,
              digest,
              changeCause: options.changeCause,
              dryRun: true,
              ...(options.container ? { container: options.container } : {}),
            }),
        })),
    );
    logger.info(`${prepared.length} document(s) and ${before.length} workload(s) pass the server's checks`);
  });

  // 3. snapshot: each object the promotion will touch
  const refs: ObjectRef[] = [];
  for (const ref of [
    ...prepared.map((d) => objectRef(d.manifest.kind, namespace, d.manifest.metadata.name)),
    ...before.map((d) => deploymentRef(namespace, d.metadata.name)),
  ])
    if (!refs.some((r) => r.path === ref.path)) refs.push(ref);
  const snapshots = await takeSnapshots(client, refs);

  const written: WrittenObject[] = [];
  const record = (ref: ObjectRef, object: KubeObject) => {
    const at = written.findIndex((w) => w.ref.path === ref.path);
    if (at >= 0) written.splice(at, 1);
    written.push({ ref, object });
  };
  let unsure = false;
  // A write whose answer was lost (a dropped connection, an answer cut short) may have happened:
  // what is there now is taken as what it wrote, so that the restore compares it with the snapshot.
  const lostAnswer = async (error: unknown, ref: ObjectRef): Promise<never> => {
    if (!(error instanceof KubeApiError)) {
      unsure = true;
      const now = await readObject(client, ref).catch(() => undefined);
      if (now) record(ref, now);
    }
    throw error;
  };
  const done: WorkloadResult[] = [];
  let current: Deployment | undefined;
  try {
    // 4. apply
    if (prepared.length > 0) {
      await logger.group('Apply manifests', async () => {
        for (const doc of prepared) {
          const applied = await applyManifest(client, doc.manifest, namespace).catch((error: unknown) =>
            lostAnswer(error, objectRef(doc.manifest.kind, namespace, doc.manifest.metadata.name)),
          );
          record(applied.ref, applied.object);
          const created = !snapshots.find((snap) => snap.ref.path === applied.ref.path)?.before;
          logger.info(
            `${created ? 'created' : 'applied'} ${refName(applied.ref)} from ${doc.file} (server-side apply)${applied.autoscaler ? `; replicas left to HorizontalPodAutoscaler ${applied.autoscaler}` : ''}`,
          );
        }
      });
    }
    for (const deployment of await resolveWorkloads(client, namespace, options.workloads)) {
      current = deployment;
      const name = deployment.metadata.name;
      // 5. set image
      const set = await setImageByDigest({
        client,
        namespace,
        name,
        image: options.image,
        digest,
        changeCause: options.changeCause,
        ...(options.container ? { container: options.container } : {}),
      }).catch((error: unknown) => lostAnswer(error, deploymentRef(namespace, name)));
      current = set.after;
      if (set.changed) record(deploymentRef(namespace, name), set.after as unknown as KubeObject);
      const earlier = before.find((d) => d.metadata.name === name)?.spec.template.spec.containers.map((c) => c.image);
      const previousImages = earlier ?? [];
      const previousDigest = previousImages.map((i) => pinnedImage(i)?.digest).find(Boolean);
      const changed = set.changed || earlier === undefined || !earlier.includes(options.image);
      const result: WorkloadResult = { name, changes: set.changes, changed, previousDigest, revision: 0, pods: [] };
      done.push(result);
      logger.info(
        neutralizeWorkflowCommands(
          changed
            ? `${namespace}/${name}: ${previousImages.join(', ') || '(new)'} -> ${options.image}`
            : `${namespace}/${name}: already set to ${options.image}; checking the rollout`,
        ),
      );
      // 6. wait
      const rolled = await waitForRollout({
        client,
        deployment: set.after,
        newImages: [options.image],
        timeoutMs: options.timeoutMs,
        logger,
        ...(options.stuckGraceMs !== undefined ? { stuckGraceMs: options.stuckGraceMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // 7. verify
      result.revision = revisionOf(rolled);
      result.pods = await verifyPodsRunDigest(
        client,
        rolled,
        set.changes.map((c) => c.container),
        digest,
      );
      logger.info(
        `${namespace}/${name}: revision ${result.revision}, ${result.pods.length} ready pod(s) run ${digest}`,
      );
    }
  } catch (error: unknown) {
    if (written.length === 0 && !unsure) throw error; // the server refused the first write: nothing changed
    throw await failAfterWrites(error, { options, snapshots, written, current });
  }
  return { digest, previousDigest: done.map((d) => d.previousDigest).find(Boolean), workloads: done };
}

/** After the first write: restore (unless cancelled or asked not to), then say what runs. */
async function failAfterWrites(
  error: unknown,
  context: {
    options: PromoteOptions;
    snapshots: Snapshot[];
    written: WrittenObject[];
    current: Deployment | undefined;
  },
): Promise<PromotionFailedError> {
  const { options, written } = context;
  const { client, namespace, logger } = options;
  const message = error instanceof Error ? error.message : String(error);
  const cancelled = error instanceof RolloutFailedError && error.failure === 'cancelled';
  const diagnostics = context.current ? await collectDiagnostics(client, context.current) : undefined;
  const changedNames = written.map((w) => refName(w.ref)).join(', ');
  let report: RestoreReport | undefined;
  let outcome: string;
  if (cancelled) {
    outcome = `nothing restored; left as this promotion wrote them: ${changedNames}`;
  } else if (!options.rollbackOnFailure) {
    outcome = `the workloads were left as they are (rollback-on-failure is false); changed: ${changedNames}`;
  } else {
    report = await logger.group('Restore what this promotion changed', () =>
      restoreObjects(client, context.snapshots, written, logger),
    );
    for (const { ref, object } of report.putBack) {
      if (ref.kind !== 'Deployment') continue;
      const deployment = object as unknown as Deployment;
      await waitForRollout({
        client,
        deployment,
        newImages: deployment.spec.template.spec.containers.map((c) => c.image),
        timeoutMs: options.timeoutMs,
        logger,
      }).catch((waitError: unknown) =>
        logger.warning(
          neutralizeWorkflowCommands(
            `${namespace}/${ref.name}: restored, but its rollout did not finish: ${waitError instanceof Error ? waitError.message : String(waitError)}`,
          ),
        ),
      );
    }
    const restoredDeployment = report.putBack.some((p) => p.ref.kind === 'Deployment');
    const clean = report.kept.length === 0 && report.failed.length === 0;
    outcome = `${describeRestore(report)}${restoredDeployment && clean ? '; the previous revision runs again' : ''}`;
  }
  const now = await workloadsNow(client, namespace, options.workloads).catch(() => []);
  const containers = (d: Deployment) => {
    try {
      return selectContainers(d, options.image, options.container).map((c) => c.container);
    } catch {
      return [];
    }
  };
  const runningDigest = await digestRunning(client, now, [...new Set(now.flatMap(containers))]).catch(() => undefined);
  const rolledBack = report !== undefined && (report.putBack.length > 0 || report.deleted.length > 0);
  return new PromotionFailedError(cancelled ? `promotion cancelled: ${message}` : message, {
    rolledBack,
    wrote: true,
    outcome,
    runningDigest,
    cancelled,
    cause: error,
    ...(report ? { restore: report } : {}),
    ...(diagnostics ? { diagnostics } : {}),
  });
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
