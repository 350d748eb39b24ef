// The SBOM of a baked image: each layer of its OCI layout scanned once (or its findings taken
// from the cache by layer digest), merged in layer order, written as CycloneDX JSON. The image
// must be complete, so this runs once the digest is known.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { blobPath, type Digest, isGzipLayerMediaType, readLayoutImage } from '@bakeline/oci';
import type { Logger } from '@bakeline/toolkit';
import { buildImageSbom, type ComponentCounts } from './cyclonedx-document.ts';
import { FindingsCache } from './findings-cache.ts';
import { mergeLayers } from './image-inventory.ts';
import { type LayerFindings, scanLayer } from './layer-scan.ts';

export interface ImageSbomRequest {
  layoutDir: string;
  digest: Digest;
  /** Repository the image is named by (`image-name`). */
  repository: string;
  sourceDateEpoch: number;
  /** Layers this build made: their files are listed with hashes and their JARs read. */
  newLayers: ReadonlySet<string>;
  /** Where the SBOM is written (replaced atomically: the bytes depend only on the image). */
  outputPath: string;
  /** Keeps layer findings by layer digest; none when absent. */
  cacheDir?: string;
  logger: Logger;
  /** Cancels between and inside layer scans. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface ImageSbomResult {
  path: string;
  counts: ComponentCounts;
  bytes: number;
  /** Layers whose findings came from the cache, of all layers. */
  cachedLayers: number;
  layers: number;
  durationMs: number;
}

export async function writeImageSbom(request: ImageSbomRequest): Promise<ImageSbomResult> {
  const now = request.now ?? (() => performance.now());
  const started = now();
  const image = await readLayoutImage(request.layoutDir, { digest: request.digest });
  const cache = request.cacheDir ? new FindingsCache(request.cacheDir) : undefined;
  const findings: LayerFindings[] = [];
  let cachedLayers = 0;
  for (const layer of image.manifest.layers) {
    request.signal?.throwIfAborted();
    const collectFiles = request.newLayers.has(layer.digest);
    const cached = cache?.get(layer.digest, collectFiles);
    if (cached?.invalid)
      request.logger.warning(
        `sbom: cached findings of layer ${layer.digest} refused (${cached.invalid}); reading the layer again`,
      );
    let found = cached?.findings;
    if (found) {
      cachedLayers++;
    } else {
      try {
        found = await scanLayer(blobPath(request.layoutDir, layer.digest), isGzipLayerMediaType(layer.mediaType), {
          collectFiles,
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error: unknown) {
        request.signal?.throwIfAborted();
        throw new Error(`sbom: cannot read layer ${layer.digest}: ${(error as Error).message}`, { cause: error });
      }
      cache?.put(layer.digest, collectFiles, found);
    }
    for (const warning of found.warnings)
      request.logger.warning(`sbom: layer ${layer.digest.slice(0, 19)}: ${warning}`);
    findings.push(found);
  }
  request.signal?.throwIfAborted();
  const document = buildImageSbom(
    {
      repository: request.repository,
      digest: image.digest,
      architecture: image.config.architecture,
      sourceDateEpoch: request.sourceDateEpoch,
    },
    mergeLayers(findings),
  );
  mkdirSync(dirname(request.outputPath), { recursive: true });
  const temporary = `${request.outputPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, document.json);
    renameSync(temporary, request.outputPath);
  } finally {
    rmSync(temporary, { force: true });
  }
  return {
    path: request.outputPath,
    counts: document.counts,
    bytes: Buffer.byteLength(document.json),
    cachedLayers,
    layers: image.manifest.layers.length,
    durationMs: Math.round(now() - started),
  };
}
