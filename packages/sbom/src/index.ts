export {
  buildImageSbom,
  type ComponentCounts,
  type ImageIdentity,
  type SbomDocument,
  serialNumberFor,
} from './cyclonedx-document.ts';
export {
  type DpkgPackage,
  type DpkgParseResult,
  MAX_DPKG_STATUS_BYTES,
  type OsRelease,
  parseDpkgStatus,
  parseOsRelease,
} from './dpkg-status.ts';
export { FINDINGS_VERSION, FindingsCache } from './findings-cache.ts';
export { type ImageInventory, mergeLayers } from './image-inventory.ts';
export { type ImageSbomRequest, type ImageSbomResult, writeImageSbom } from './image-sbom.ts';
export { type JarScan, type MavenFinding, scanJar } from './jar-scan.ts';
export { type FileRecord, type LayerFindings, type LayerScanOptions, scanLayer } from './layer-scan.ts';
export { type MavenCoordinates, parseJavaProperties, parsePomProperties } from './pom-properties.ts';
export { debianPurl, encodePurlSegment, formatPurl, mavenPurl, ociPurl } from './purl.ts';
