// Pushing the image of a layout through a RegistryClient: every blob (HEAD, then a mount from
// the `mountFrom` repositories, else an upload), `concurrency` at a time, largest first, each
// retried as a whole; then the manifest by digest, then the tags. A tag never moves: one that
// names another digest fails the push before any blob goes up (TagConflictError), and is read
// again just before it is written (a concurrent push may have taken it).
import { formatBytes, formatDuration, ProgressReporter } from '@bakeline/toolkit';
import type { Digest } from '../digest.ts';
import type { Descriptor, ImageManifest } from '../image-types.ts';
import { blobPath } from '../layout/layout-paths.ts';
import type { LoadedImage } from '../layout/layout-read.ts';
import { validateRepository, validateTag } from '../reference.ts';
import { concurrencyLimit, mapConcurrent } from './concurrency.ts';
import { type RegistryClient, shortDigest } from './registry-client.ts';
import { TagConflictError } from './registry-errors.ts';
import { retryRegistryOperation } from './registry-retry.ts';

export interface PushTarget {
  repository: string;
  tags?: string[];
  /** Repositories of the same registry to mount missing blobs from, tried in order. */
  mountFrom?: string[];
  /** Blobs pushed at once, 1 to 32 (default 4). */
  concurrency?: number;
}

export interface PushResult {
  digest: Digest;
  pushedBytes: number;
  uploadedBlobs: Digest[];
  skippedBlobs: Digest[];
  mountedBlobs: Digest[];
  tags: { tag: string; status: 'created' | 'unchanged' }[];
}

export type BlobOutcome = 'skipped' | 'mounted' | 'uploaded';

/** The config and layers of a manifest, each digest once, largest first (the order they are pushed in). */
export function blobsToPush(manifest: ImageManifest): Descriptor[] {
  const blobs = [manifest.config, ...manifest.layers].filter(
    (d, i, all) => all.findIndex((o) => o.digest === d.digest) === i,
  );
  return [...blobs].sort((a, b) => b.size - a.size);
}

/** The blobs' outcomes (in the same order) as a PushResult without tags. */
export function pushResult(digest: Digest, blobs: readonly Descriptor[], outcomes: readonly BlobOutcome[]): PushResult {
  const result: PushResult = {
    digest,
    pushedBytes: 0,
    uploadedBlobs: [],
    skippedBlobs: [],
    mountedBlobs: [],
    tags: [],
  };
  blobs.forEach((d, i) => {
    const outcome = outcomes[i];
    if (outcome === 'uploaded') {
      result.uploadedBlobs.push(d.digest);
      result.pushedBytes += d.size;
    } else if (outcome === 'mounted') result.mountedBlobs.push(d.digest);
    else result.skippedBlobs.push(d.digest);
  });
  return result;
}

async function pushBlob(
  client: RegistryClient,
  image: LoadedImage,
  repository: string,
  descriptor: Descriptor,
  mountFrom: readonly string[],
  progress: ProgressReporter,
): Promise<BlobOutcome> {
  const { logger } = client;
  const what = `blob ${shortDigest(descriptor.digest)} (${formatBytes(descriptor.size)})`;
  if (await client.hasBlob(repository, descriptor.digest)) {
    logger.info(`${what}: already in ${repository}`);
    return 'skipped';
  }
  // the mounts and the upload restart as a whole, with a new session
  return retryRegistryOperation(`push ${what}`, client.retryPolicy, async () => {
    let session: URL | undefined;
    for (const [i, from] of mountFrom.entries()) {
      if (from === repository) continue;
      const result = await client.mountBlob(repository, from, descriptor.digest, what);
      if (result.mounted) {
        logger.info(`${what}: mounted from ${from}`);
        return 'mounted';
      }
      if (i === mountFrom.length - 1) session = result.session;
      else await client.cancelUpload(result.session, repository);
    }
    const started = Date.now();
    const chunkSize = client.chunkSize;
    const chunked = chunkSize !== undefined && descriptor.size > chunkSize;
    await client.uploadBlob({
      repository,
      path: blobPath(image.layoutDir, descriptor.digest),
      descriptor,
      session: session ?? (await client.startUpload(repository, what)),
      onBytes: (bytes) => progress.add(bytes),
      what,
    });
    const ms = Date.now() - started;
    logger.info(
      `${what}: uploaded in ${formatDuration(ms)} (${formatBytes(Math.round((descriptor.size * 1000) / Math.max(ms, 1)))}/s, ${chunked ? `chunks of ${formatBytes(chunkSize ?? 0)}` : 'one request'})`,
    );
    return 'uploaded';
  });
}

/**
 * Pushes the image of a layout: blobs (HEAD, mount, upload, in parallel), the manifest by digest,
 * then tags. A tag that names another digest fails before anything is uploaded (TagConflictError).
 */
export async function pushImage(client: RegistryClient, image: LoadedImage, target: PushTarget): Promise<PushResult> {
  const { repository } = target;
  const { registry, logger } = client;
  validateRepository(repository);
  const tags = [...new Set(target.tags ?? [])];
  for (const tag of tags) validateTag(tag);
  for (const from of target.mountFrom ?? []) validateRepository(from);
  const concurrency = concurrencyLimit(target.concurrency, 'push');
  const name = `${registry}/${repository}`;
  if (!/"mediaType"\s*:/.test(Buffer.from(image.manifestBytes).toString('utf8').slice(0, 200))) {
    logger.warning(`manifest ${image.digest} has no top-level mediaType; ECR rejects such OCI manifests`);
  }

  const existingTags = new Map<string, Digest | undefined>();
  for (const tag of tags) {
    const existing = await client.resolveDigest(repository, tag);
    if (existing !== undefined && existing !== image.digest) {
      throw new TagConflictError(registry, repository, tag, existing, image.digest);
    }
    existingTags.set(tag, existing);
  }

  const ordered = blobsToPush(image.manifest);
  const total = ordered.reduce((sum, d) => sum + d.size, 0);
  const progress = new ProgressReporter({ label: `push ${name}`, total, logger });
  const outcomes = await mapConcurrent(ordered, concurrency, (d) =>
    pushBlob(client, image, repository, d, target.mountFrom ?? [], progress),
  );
  const result = pushResult(image.digest, ordered, outcomes);
  if (result.uploadedBlobs.length > 0) progress.done();

  await client.putManifest(repository, image.digest, image.manifestBytes, image.manifest.mediaType);
  logger.info(`manifest ${image.digest} in ${name}`);
  for (const tag of tags) {
    if (existingTags.get(tag) === image.digest) {
      result.tags.push({ tag, status: 'unchanged' });
      continue;
    }
    const now = await client.resolveDigest(repository, tag); // a concurrent push may have taken it
    if (now !== undefined && now !== image.digest)
      throw new TagConflictError(registry, repository, tag, now, image.digest);
    if (now === image.digest) {
      result.tags.push({ tag, status: 'unchanged' });
      continue;
    }
    await client.putManifest(repository, tag, image.manifestBytes, image.manifest.mediaType);
    result.tags.push({ tag, status: 'created' });
    logger.info(`tag ${name}:${tag} -> ${image.digest}`);
  }
  return result;
}
