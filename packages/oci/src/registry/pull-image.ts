// Pulling an image through a RegistryClient: the reference's manifest (a platform's, when it
// names an index), then either every blob into an OCI layout (hashed on the way, `concurrency`
// at a time, each download retried as a whole) or only the config (getImageConfig). A layout
// becomes a docker archive with layoutToDockerArchive.
import { ProgressReporter } from '@bakeline/toolkit';
import type { Digest } from '../digest.ts';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../image-types.ts';
import { type LoadedImage, readLayoutImage, verifyBlob } from '../layout/layout-read.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { parseConfig, parseIndex, parseManifest } from '../layout/parse-documents.ts';
import { isIndexMediaType } from '../media-types.ts';
import { formatReference, type ImageReference } from '../reference.ts';
import { concurrencyLimit, mapConcurrent } from './concurrency.ts';
import { type RegistryClient, shortDigest } from './registry-client.ts';
import { retryRegistryOperation } from './registry-retry.ts';

export interface PullOptions {
  /** Which image of a multi-platform index (default linux/amd64). */
  platform?: Platform;
  /** Blobs downloaded at once, 1 to 32 (default 4). */
  concurrency?: number;
}

/** An image's manifest and config, without its layers. */
export interface FetchedImageConfig {
  /** Digest of the image manifest (a platform's manifest when the reference names an index). */
  digest: Digest;
  manifest: ImageManifest;
  configDigest: Digest;
  config: ImageConfig;
}

const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** The index entry for `platform` (a variant only when one is asked for); undefined when none. */
export function platformManifest(index: ImageIndex, platform: Platform = DEFAULT_PLATFORM): Descriptor | undefined {
  return index.manifests.find(
    (m) =>
      m.platform?.os === platform.os &&
      m.platform.architecture === platform.architecture &&
      (platform.variant === undefined || m.platform.variant === platform.variant),
  );
}

/** The image manifest a reference names: the platform's manifest when it names an index. */
async function imageManifest(
  client: RegistryClient,
  reference: ImageReference,
  options: PullOptions,
): Promise<{ bytes: Uint8Array; digest: Digest; mediaType: string; parsed: ImageManifest }> {
  const { registry } = client;
  if (reference.registry !== registry && !(reference.registry === 'docker.io' && registry.endsWith('docker.io'))) {
    throw new Error(`pull ${formatReference(reference)}: this client talks to ${registry}`);
  }
  const { repository } = reference;
  let manifest = await client.getManifest(repository, reference.digest ?? reference.tag ?? 'latest');
  if (isIndexMediaType(manifest.mediaType)) {
    const index = parseIndex(manifest.bytes, `index ${manifest.digest}`);
    const platform = options.platform ?? DEFAULT_PLATFORM;
    const chosen = platformManifest(index, platform);
    if (!chosen) {
      throw new Error(
        `pull ${formatReference(reference)}: the index has no ${platform.os}/${platform.architecture} image`,
      );
    }
    manifest = await client.getManifest(repository, chosen.digest);
  }
  const parsed = parseManifest(manifest.bytes, `manifest ${manifest.digest}`, manifest.mediaType);
  return { ...manifest, parsed };
}

/**
 * The manifest and config of an image (by tag or digest) and none of its layers: two small GETs
 * (three through an index), each body bounded (4 MiB) and hashed against the digest that names it.
 */
export async function getImageConfig(
  client: RegistryClient,
  reference: ImageReference,
  options: PullOptions = {},
): Promise<FetchedImageConfig> {
  const manifest = await imageManifest(client, reference, options);
  const descriptor = manifest.parsed.config;
  const what = `config ${shortDigest(descriptor.digest)} of ${client.registry}/${reference.repository}`;
  const bytes = await client.getBlobBytes(reference.repository, descriptor, what);
  return {
    digest: manifest.digest,
    manifest: manifest.parsed,
    configDigest: descriptor.digest,
    config: parseConfig(bytes, what),
  };
}

/** Downloads a blob into the layout, hashing it on the way; a blob already there is verified instead. */
async function pullBlob(
  client: RegistryClient,
  writer: LayoutWriter,
  repository: string,
  descriptor: Descriptor,
  progress: ProgressReporter,
): Promise<void> {
  const what = `blob ${shortDigest(descriptor.digest)} of ${client.registry}/${repository}`;
  const present = await verifyBlob(writer.dir, descriptor, 'blob').then(
    () => true,
    () => false,
  );
  if (present) return;
  await retryRegistryOperation(`get ${what}`, client.retryPolicy, async () => {
    const body = await client.getBlob(repository, descriptor.digest, what);
    body.on('data', (chunk: Buffer) => progress.add(chunk.length));
    await writer.writeVerifiedBlob(body, descriptor, what);
  });
}

/** Pulls an image (by tag or digest) into an OCI layout; every blob is hashed against its digest. */
export async function pullImage(
  client: RegistryClient,
  reference: ImageReference,
  layoutDir: string,
  options: PullOptions = {},
): Promise<LoadedImage> {
  const { repository } = reference;
  const concurrency = concurrencyLimit(options.concurrency, 'pull');
  const manifest = await imageManifest(client, reference, options);
  const parsed = manifest.parsed;
  const writer = await LayoutWriter.create(layoutDir);
  const blobs = [parsed.config, ...parsed.layers];
  const total = blobs.reduce((sum, d) => sum + d.size, 0);
  const progress = new ProgressReporter({
    label: `pull ${formatReference(reference)}`,
    total,
    logger: client.logger,
  });
  await mapConcurrent(blobs, concurrency, (d) => pullBlob(client, writer, repository, d, progress));
  progress.done();
  const annotations = reference.tag ? { 'org.opencontainers.image.ref.name': reference.tag } : undefined;
  await writer.writeManifestBytes(manifest.bytes, manifest.mediaType, annotations);
  return readLayoutImage(layoutDir, { digest: manifest.digest });
}
