export { indexBytes, manifestBytes } from './canonical-json.ts';
export { mapConcurrent } from './concurrency.ts';
export {
  GZIP_BLOCK_SIZE,
  GZIP_LEVEL,
  GzipWriter,
  gzipSyncDeterministic,
} from './deterministic-gzip.ts';
export {
  type DeterministicLayer,
  type DeterministicLayerOptions,
  writeDeterministicLayer,
} from './deterministic-layer.ts';
export {
  type Digest,
  DigestCounter,
  digestFile,
  digestHex,
  digestStream,
  isDigest,
  parseDigest,
  sha256Digest,
} from './digest.ts';
export { DigestMismatchError } from './digest-mismatch-error.ts';
export { type DockerArchiveOptions, dockerArchiveToLayout } from './docker-archive-to-layout.ts';
export { epochToIso, reproducibleConfig } from './engine-config.ts';
export type {
  ContainerConfig,
  Descriptor,
  HealthConfig,
  HistoryEntry,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  Platform,
} from './image-types.ts';
export { LayerCache } from './layer-cache.ts';
export { type RepackOptions, repackLayerTar } from './layer-repack.ts';
export { packLayout, unpackLayout } from './layout-archive.ts';
export { blobPath } from './layout-paths.ts';
export { type LoadedImage, readLayoutImage, verifyBlob, verifyLayout } from './layout-read.ts';
export { type DockerArchiveWriteOptions, layoutToDockerArchive } from './layout-to-docker-archive.ts';
export { LayoutWriter } from './layout-writer.ts';
export {
  isGzipLayerMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  MediaType,
} from './media-types.ts';
export { parseConfig, parseIndex, parseManifest } from './parse-documents.ts';
export {
  DOCKER_HUB,
  formatReference,
  type ImageReference,
  parseReference,
  validateRegistry,
  validateRepository,
  validateTag,
} from './reference.ts';
export { type Challenge, parseChallenge } from './registry-auth.ts';
export { type FetchedImageConfig, type PullOptions, type PushTarget, RegistryClient } from './registry-client.ts';
export { RegistryError, TagConflictError } from './registry-errors.ts';
export type { PushResult, RegistryClientOptions, RegistryCredentials } from './registry-types.ts';
export type { TarEntry, TarEntryType } from './tar-entry.ts';
export { indexTar, type TarIndexEntry, type TarIndexType } from './tar-reader.ts';
