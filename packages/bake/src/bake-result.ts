// What either builder returns: the image's identity and where its layout and archive are.
import type { Digest } from '@bakeline/oci';

export interface LayerReport {
  digest: Digest;
  /** Compressed size. */
  size: number;
  mediaType: string;
  /** `base`: the same blob as in the base image; `new`: made by this build. */
  origin: 'base' | 'new';
  createdBy?: string;
}

export interface BakeResult {
  /** Manifest digest: the identity of the release. */
  digest: Digest;
  /** Config digest: the image ID on a classic image store. */
  configDigest: Digest;
  /** OCI layout directory holding this image only, complete with base layers. */
  layoutDir: string;
  /** Deterministic tar of the layout (ready for upload-artifact); absent when not asked for. */
  archivePath?: string;
  /** Bytes a registry stores for it: config + compressed layers. */
  size: number;
  layers: LayerReport[];
  /** `os/architecture[/variant]` */
  platform: string;
  /** Digest of the base image's manifest, when known. */
  baseDigest?: Digest;
  /** Labels written into the config. */
  labels: Record<string, string>;
}
