// Reading and verifying an OCI image layout (oci-layout, index.json, blobs/sha256/<hex>).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, digestFile, sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { Descriptor, ImageConfig, ImageManifest } from '../image-types.ts';
import { isImageManifestMediaType, isIndexMediaType } from '../media-types.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_FILE } from './layout-paths.ts';
import { parseConfig, parseIndex, parseManifest } from './parse-documents.ts';

export interface LoadedImage {
  layoutDir: string;
  /** The manifest's digest. */
  digest: Digest;
  manifestBytes: Uint8Array;
  manifest: ImageManifest;
  config: ImageConfig;
  configDigest: Digest;
}

async function readBlob(layoutDir: string, descriptor: Descriptor, what: string): Promise<Buffer> {
  const path = blobPath(layoutDir, descriptor.digest);
  try {
    return await readFile(path);
  } catch (error: unknown) {
    throw new Error(`${what} ${descriptor.digest}: blob missing from layout ${layoutDir}`, { cause: error });
  }
}

/** Attestation manifests (BuildKit) ride in an index beside the image; they are never "the" image. */
function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.['vnd.docker.reference.type'] !== undefined;
}

async function chooseManifest(layoutDir: string, wanted: Digest | undefined): Promise<Descriptor> {
  let indexBytes: Buffer;
  try {
    await stat(join(layoutDir, OCI_LAYOUT_FILE));
    indexBytes = await readFile(join(layoutDir, INDEX_FILE));
  } catch (error: unknown) {
    throw new Error(`OCI layout '${layoutDir}': expected a directory with oci-layout and index.json`, {
      cause: error,
    });
  }
  let index = parseIndex(indexBytes, `OCI layout '${layoutDir}': index.json`);
  for (let depth = 0; depth < 4; depth++) {
    if (wanted !== undefined) {
      const found = index.manifests.find((m) => m.digest === wanted);
      if (found) return found;
    }
    const candidates = index.manifests.filter((m) => !isAttestation(m));
    if (
      wanted === undefined &&
      candidates.length === 1 &&
      candidates[0] &&
      isImageManifestMediaType(candidates[0].mediaType)
    ) {
      return candidates[0];
    }
    // Descend into a single nested index (a docker save of the containerd store, BuildKit output).
    const nested = candidates.filter((m) => isIndexMediaType(m.mediaType));
    if (nested.length === 1 && nested[0] && (wanted !== undefined || candidates.length === 1)) {
      const bytes = await readBlob(layoutDir, nested[0], 'index');
      index = parseIndex(bytes, `OCI layout '${layoutDir}': index ${nested[0].digest}`);
      continue;
    }
    break;
  }
  if (wanted !== undefined) throw new Error(`OCI layout '${layoutDir}': no manifest ${wanted} in index.json`);
  throw new Error(
    `OCI layout '${layoutDir}': expected exactly one image manifest in index.json, found ${index.manifests.length}; pass the digest to choose one`,
  );
}

/** The image of a layout: the only manifest of index.json, or the one with `digest`. Hashes nothing but the manifest. */
export async function readLayoutImage(layoutDir: string, options: { digest?: Digest } = {}): Promise<LoadedImage> {
  const descriptor = await chooseManifest(layoutDir, options.digest);
  const manifestBytes = await readBlob(layoutDir, descriptor, 'manifest');
  const digest = sha256Digest(manifestBytes);
  if (digest !== descriptor.digest) {
    throw new DigestMismatchError(`manifest blob in ${layoutDir}`, descriptor.digest, digest);
  }
  const manifest = parseManifest(manifestBytes, `manifest ${digest}`, descriptor.mediaType);
  const configBytes = await readBlob(layoutDir, manifest.config, 'config');
  const configDigest = sha256Digest(configBytes);
  if (configDigest !== manifest.config.digest) {
    throw new DigestMismatchError(`config blob in ${layoutDir}`, manifest.config.digest, configDigest);
  }
  const config = parseConfig(configBytes, `config ${configDigest}`);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new Error(
      `image ${digest}: config lists ${config.rootfs.diff_ids.length} diff_ids for ${manifest.layers.length} layers`,
    );
  }
  return {
    layoutDir,
    digest,
    manifestBytes: new Uint8Array(manifestBytes.buffer, manifestBytes.byteOffset, manifestBytes.byteLength),
    manifest,
    config,
    configDigest,
  };
}

/** Streams a blob of the layout through sha256 and checks name and size. */
export async function verifyBlob(layoutDir: string, descriptor: Descriptor, what: string): Promise<void> {
  const path = blobPath(layoutDir, descriptor.digest);
  let actual: { digest: Digest; size: number };
  try {
    actual = await digestFile(path);
  } catch (error: unknown) {
    throw new Error(`${what} ${descriptor.digest}: blob missing from layout ${layoutDir}`, { cause: error });
  }
  if (actual.digest !== descriptor.digest) {
    throw new DigestMismatchError(`${what} blob in ${layoutDir}`, descriptor.digest, actual.digest);
  }
  if (actual.size !== descriptor.size) {
    throw new Error(
      `${what} ${descriptor.digest} in ${layoutDir}: size ${actual.size}, the manifest says ${descriptor.size}`,
    );
  }
}

/**
 * The image whose manifest hashes to `expected`, with every blob it references present and hashing
 * (streamed) to its name and size; else a DigestMismatchError naming both digests.
 */
export async function verifyLayout(layoutDir: string, expected: Digest): Promise<LoadedImage> {
  let image: LoadedImage;
  try {
    image = await readLayoutImage(layoutDir, { digest: expected });
  } catch (error: unknown) {
    if (error instanceof Error && /no manifest sha256:/.test(error.message)) {
      const other = await readLayoutImage(layoutDir).catch(() => undefined);
      if (other) throw new DigestMismatchError(`image in layout ${layoutDir}`, expected, other.digest);
    }
    throw error;
  }
  await verifyBlob(layoutDir, image.manifest.config, 'config');
  const queue = image.manifest.layers.map((layer, i) => ({ layer, i }));
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      await verifyBlob(layoutDir, item.layer, `layer ${item.i}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return image;
}
