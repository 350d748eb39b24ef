// Parsing of manifests, indexes and configs, checking the fields bakeline relies on.
import { isDigest } from '../digest.ts';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../image-types.ts';
import { isImageManifestMediaType, isIndexMediaType } from '../media-types.ts';

function parseJson(bytes: Uint8Array | string, what: string): unknown {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    throw new Error(`${what}: not valid JSON`, { cause: error });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkDescriptor(value: unknown, what: string): Descriptor {
  if (!isObject(value)) throw new Error(`${what}: expected a descriptor object`);
  if (typeof value.mediaType !== 'string' || value.mediaType === '') {
    throw new Error(`${what}: expected a 'mediaType' string`);
  }
  if (!isDigest(value.digest)) {
    throw new Error(`${what}: digest '${String(value.digest)}': expected 'sha256:' followed by 64 lowercase hex`);
  }
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new Error(`${what}: size '${String(value.size)}': expected a non-negative integer`);
  }
  return value as unknown as Descriptor;
}

/** An image manifest; `fallbackMediaType` is used when the document has no top-level `mediaType`. */
export function parseManifest(
  bytes: Uint8Array | string,
  what = 'manifest',
  fallbackMediaType?: string,
): ImageManifest {
  const value = parseJson(bytes, what);
  if (!isObject(value)) throw new Error(`${what}: expected a JSON object`);
  if (value.schemaVersion !== 2) throw new Error(`${what}: schemaVersion '${String(value.schemaVersion)}': expected 2`);
  const mediaType = typeof value.mediaType === 'string' ? value.mediaType : fallbackMediaType;
  if (mediaType === undefined || !isImageManifestMediaType(mediaType)) {
    throw new Error(`${what}: mediaType '${String(mediaType)}': expected an OCI or Docker schema 2 image manifest`);
  }
  checkDescriptor(value.config, `${what}: config`);
  if (!Array.isArray(value.layers)) throw new Error(`${what}: expected a 'layers' array`);
  value.layers.forEach((layer, i) => {
    checkDescriptor(layer, `${what}: layers[${i}]`);
  });
  return { ...(value as unknown as ImageManifest), mediaType };
}

export function parseIndex(bytes: Uint8Array | string, what = 'index'): ImageIndex {
  const value = parseJson(bytes, what);
  if (!isObject(value)) throw new Error(`${what}: expected a JSON object`);
  if (value.schemaVersion !== 2) throw new Error(`${what}: schemaVersion '${String(value.schemaVersion)}': expected 2`);
  if (typeof value.mediaType === 'string' && !isIndexMediaType(value.mediaType)) {
    throw new Error(`${what}: mediaType '${value.mediaType}': expected an OCI index or Docker manifest list`);
  }
  if (!Array.isArray(value.manifests)) throw new Error(`${what}: expected a 'manifests' array`);
  value.manifests.forEach((m, i) => {
    checkDescriptor(m, `${what}: manifests[${i}]`);
  });
  return value as unknown as ImageIndex;
}

export function parseConfig(bytes: Uint8Array | string, what = 'image config'): ImageConfig {
  const value = parseJson(bytes, what);
  if (!isObject(value)) throw new Error(`${what}: expected a JSON object`);
  const rootfs = value.rootfs;
  if (!isObject(rootfs) || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) {
    throw new Error(`${what}: expected rootfs {type: 'layers', diff_ids: [...]}`);
  }
  for (const id of rootfs.diff_ids) {
    if (!isDigest(id)) throw new Error(`${what}: diff_id '${String(id)}': expected 'sha256:' followed by 64 hex`);
  }
  if (typeof value.architecture !== 'string' || typeof value.os !== 'string') {
    throw new Error(`${what}: expected 'architecture' and 'os' strings`);
  }
  return value as unknown as ImageConfig;
}
