// Image manifests as ECR reads them: the top-level media type (ECR refuses a schema 2 manifest
// without one, although the OCI spec allows it), the blobs an image manifest references (for
// ECR's mount rule) and the manifests an index references.
import { createHash } from 'node:crypto';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const IMAGE_MANIFESTS: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const INDEXES: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);

export interface ParsedManifest {
  digest: string;
  mediaType: string;
  kind: 'image' | 'index';
  /** Config media type of an image manifest (ECR's `artifactMediaType`). */
  configMediaType?: string;
  /** Config and layer digests (image manifests). */
  blobs: string[];
  /** Compressed size of the layers plus config. */
  size: number;
  /** Child manifest digests (indexes). */
  manifests: string[];
}

/** Why ECR refuses a manifest. `Invalid JSON syntax` is ECR's wording for both cases. */
export class ManifestRejectedError extends Error {
  readonly reason: 'syntax' | 'media-type' | 'unsupported';
  constructor(reason: 'syntax' | 'media-type' | 'unsupported', message: string) {
    super(message);
    this.reason = reason;
  }
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface Descriptor {
  digest?: unknown;
  size?: unknown;
  mediaType?: unknown;
}

function descriptor(value: unknown, where: string): { digest: string; size: number; mediaType?: string } {
  const d = (value ?? {}) as Descriptor;
  if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest) || typeof d.size !== 'number') {
    throw new ManifestRejectedError(
      'syntax',
      `Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax' (${where})`,
    );
  }
  return typeof d.mediaType === 'string'
    ? { digest: d.digest, size: d.size, mediaType: d.mediaType }
    : { digest: d.digest, size: d.size };
}

/**
 * Parses a manifest; `mediaTypeParameter` stands in for a missing top-level `mediaType` (the
 * PutImage API's `imageManifestMediaType`; the registry endpoint has no such fallback).
 */
export function parseManifest(bytes: Uint8Array, mediaTypeParameter?: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
  } catch {
    throw new ManifestRejectedError(
      'syntax',
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
  }
  if (doc.schemaVersion !== 2) {
    throw new ManifestRejectedError(
      'unsupported',
      `Manifest schemaVersion ${String(doc.schemaVersion)} is not supported`,
    );
  }
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : mediaTypeParameter;
  if (mediaType === undefined) {
    throw new ManifestRejectedError(
      'media-type',
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
  }
  const digest = sha256Digest(bytes);
  if (IMAGE_MANIFESTS.has(mediaType)) {
    const config = descriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) {
      throw new ManifestRejectedError(
        'syntax',
        "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax' (layers)",
      );
    }
    const layers = doc.layers.map((l, i) => descriptor(l, `layers[${i}]`));
    const parsed: ParsedManifest = {
      digest,
      mediaType,
      kind: 'image',
      blobs: [config.digest, ...layers.map((l) => l.digest)],
      size: config.size + layers.reduce((n, l) => n + l.size, 0),
      manifests: [],
    };
    if (config.mediaType !== undefined) parsed.configMediaType = config.mediaType;
    return parsed;
  }
  if (INDEXES.has(mediaType)) {
    if (!Array.isArray(doc.manifests)) {
      throw new ManifestRejectedError(
        'syntax',
        "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax' (manifests)",
      );
    }
    const children = doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`));
    return { digest, mediaType, kind: 'index', blobs: [], size: 0, manifests: children.map((c) => c.digest) };
  }
  throw new ManifestRejectedError('unsupported', `Unsupported manifest media type: ${mediaType}`);
}
