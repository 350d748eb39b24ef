// `docker save` archive -> OCI image layout, reproducibly: each layer tar is checked against the
// config's diff_ids, re-packed by the deterministic tar writer and pinned gzip (a base layer's
// mtimes clamped to SOURCE_DATE_EPOCH, a built layer's set to it), and the config
// rewritten (new diff_ids, times = SOURCE_DATE_EPOCH, build-only fields dropped). Handles the
// classic layout of dockerd <= 24 (`<id>/layer.tar`, `<id>.json`) and the OCI layout that newer
// engines write beside manifest.json (`blobs/sha256/...`, symlinks), uncompressed or gzip layers.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { formatBytes, formatDuration, type Logger, ProgressReporter, silentLogger } from '@bakeline/toolkit';
import { type Digest, digestStream, sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { Descriptor } from '../image-types.ts';
import { LayerCache } from '../layer/layer-cache.ts';
import { repackLayerTar } from '../layer/layer-repack.ts';
import { MediaType } from '../media-types.ts';
import { TarArchiveFile } from '../tar/tar-archive-file.ts';
import { reproducibleConfig } from './engine-config.ts';
import { type LoadedImage, readLayoutImage } from './layout-read.ts';
import { LayoutWriter } from './layout-writer.ts';
import { parseConfig } from './parse-documents.ts';

export interface DockerArchiveOptions {
  sourceDateEpoch: number;
  logger?: Logger;
  /** Which image of a multi-image archive (a RepoTags entry); the only one by default. */
  repoTag?: string;
  /** Keep re-packed layers here and reuse them (see layer-cache.ts). */
  cacheDir?: string;
  /** Annotations of the manifest's entry in index.json. */
  indexAnnotations?: Record<string, string>;
  /**
   * Images (the base of the build) whose compressed layers are reused: a layer of the archive
   * with the same diffID as one of their gzip layers takes that blob and descriptor as they are
   * (linked from their layout) instead of being re-packed. The result still depends only on the
   * inputs: the base image's digest fixes those bytes.
   */
  reuseLayersFrom?: readonly LoadedImage[];
  /**
   * The diff IDs of the image the build started from (base first). The layers after the prefix
   * the archive shares with them are the ones the build made: they are re-packed with every mtime
   * set to SOURCE_DATE_EPOCH, not clamped, and never cached, because the engine's build cache can
   * hand back a layer an earlier build made from the same files, with mtimes older than this
   * commit's epoch, which a clamp would keep. `[]` (FROM scratch, or a base not known): every
   * layer is the build's. Not given: every layer is clamped (an archive of an image as it is).
   */
  baseDiffIds?: readonly string[];
}

/** The converted image, and how many of its first layers are its base's. */
export interface ConvertedImage extends LoadedImage {
  /** The length of the prefix of diff IDs the archive shares with `baseDiffIds` (0 when not given). */
  baseLayerCount: number;
}

/** How many of the first diff IDs the two lists share. */
function sharedPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

interface ReusableLayer {
  layoutDir: string;
  descriptor: Descriptor;
}

const GZIP_LAYER_TYPES: readonly string[] = [MediaType.OciLayerGzip, MediaType.DockerLayerGzip];

/** diffID -> a gzip layer of one of the images, whose blob decompresses to exactly that tar. */
function reusableLayers(images: readonly LoadedImage[]): Map<Digest, ReusableLayer> {
  const found = new Map<Digest, ReusableLayer>();
  for (const image of images) {
    const diffIds = image.config.rootfs.diff_ids;
    if (diffIds.length !== image.manifest.layers.length) continue;
    image.manifest.layers.forEach((layer, i) => {
      const diffId = diffIds[i];
      if (diffId !== undefined && GZIP_LAYER_TYPES.includes(layer.mediaType) && !found.has(diffId)) {
        found.set(diffId, { layoutDir: image.layoutDir, descriptor: layer });
      }
    });
  }
  return found;
}

interface SaveManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

function parseSaveManifest(bytes: Buffer, archivePath: string): SaveManifestEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error: unknown) {
    throw new Error(`docker archive '${archivePath}': manifest.json is not valid JSON`, { cause: error });
  }
  const ok =
    Array.isArray(value) &&
    value.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as SaveManifestEntry).Config === 'string' &&
        Array.isArray((e as SaveManifestEntry).Layers) &&
        (e as SaveManifestEntry).Layers.every((l) => typeof l === 'string'),
    );
  if (!ok) throw new Error(`docker archive '${archivePath}': manifest.json: expected [{Config, RepoTags, Layers}]`);
  return value as SaveManifestEntry[];
}

function chooseImage(
  entries: SaveManifestEntry[],
  archivePath: string,
  repoTag: string | undefined,
): SaveManifestEntry {
  if (repoTag !== undefined) {
    const found = entries.find((e) => e.RepoTags?.includes(repoTag));
    if (found === undefined) throw new Error(`docker archive '${archivePath}': no image tagged '${repoTag}'`);
    return found;
  }
  const [only, ...rest] = entries;
  if (only === undefined || rest.length > 0) {
    throw new Error(
      `docker archive '${archivePath}': expected one image, found ${entries.length}; pass repoTag to choose`,
    );
  }
  return only;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function dockerArchiveToLayout(
  archivePath: string,
  layoutDir: string,
  options: DockerArchiveOptions,
): Promise<ConvertedImage> {
  const logger = options.logger ?? silentLogger;
  const handle = await open(archivePath, 'r').catch((error: unknown) => {
    throw new Error(`docker archive '${archivePath}': cannot open`, { cause: error });
  });
  const temps: string[] = [];
  try {
    const archive = await TarArchiveFile.open(archivePath, handle, `docker archive '${archivePath}'`);
    if (!archive.has('manifest.json')) {
      throw new Error(`docker archive '${archivePath}': no manifest.json (expected the output of 'docker save')`);
    }
    const image = chooseImage(
      parseSaveManifest(await archive.read('manifest.json'), archivePath),
      archivePath,
      options.repoTag,
    );
    const config = parseConfig(await archive.read(image.Config), `docker archive '${archivePath}': ${image.Config}`);
    if (config.rootfs.diff_ids.length !== image.Layers.length) {
      throw new Error(
        `docker archive '${archivePath}': config lists ${config.rootfs.diff_ids.length} diff_ids for ${image.Layers.length} layers`,
      );
    }

    const writer = await LayoutWriter.create(layoutDir);
    const cache = options.cacheDir === undefined ? undefined : new LayerCache(options.cacheDir);
    const reusable = reusableLayers(options.reuseLayersFrom ?? []);
    const baseLayerCount =
      options.baseDiffIds === undefined ? 0 : sharedPrefix(config.rootfs.diff_ids, options.baseDiffIds);
    const builtFrom = options.baseDiffIds === undefined ? Number.POSITIVE_INFINITY : baseLayerCount;
    const done = new Map<string, { descriptor: Descriptor; diffId: Digest }>();
    const layers: Descriptor[] = [];
    const diffIds: Digest[] = [];
    for (const [i, layerPath] of image.Layers.entries()) {
      const source = config.rootfs.diff_ids[i] as Digest;
      const label = `layer ${i + 1}/${image.Layers.length}`;
      const mtimes = i >= builtFrom ? 'epoch' : 'clamp';
      const key = `${mtimes} ${source}`;
      const previous = done.get(key);
      if (previous) {
        layers.push(previous.descriptor);
        diffIds.push(previous.diffId);
        continue;
      }
      const base = reusable.get(source);
      if (base) {
        // the engine's tar of a base layer: its compressed form is known, nothing to re-pack
        await writer.copyBlobFrom(base.layoutDir, base.descriptor);
        const descriptor: Descriptor = {
          mediaType: MediaType.OciLayerGzip,
          digest: base.descriptor.digest,
          size: base.descriptor.size,
        };
        logger.info(
          `${label}: the base image's layer ${base.descriptor.digest} (${formatBytes(descriptor.size)} gzip) reused, same diffID`,
        );
        done.set(key, { descriptor, diffId: source });
        layers.push(descriptor);
        diffIds.push(source);
        continue;
      }
      const member = archive.resolve(layerPath);
      let file = archivePath;
      let start = member.dataOffset;
      let end = member.dataOffset + member.size;
      const magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, start);
      if (member.size >= 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1]) {
        file = join(layoutDir, `.tmp-${randomUUID()}.tar`);
        temps.push(file);
        await pipeline(
          createReadStream(archivePath, { start, end: end - 1, highWaterMark: 1024 * 1024 }),
          createGunzip(),
          createWriteStream(file),
        );
        start = 0;
        end = (await stat(file)).size;
      }
      const actualDigest =
        end > start
          ? (await digestStream(createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }))).digest
          : sha256Digest('');
      if (actualDigest !== source) {
        throw new DigestMismatchError(
          `${label} '${layerPath}' of docker archive '${archivePath}'`,
          source,
          actualDigest,
        );
      }

      const started = Date.now();
      const tempBlob = join(layoutDir, 'blobs', `.tmp-${randomUUID()}`);
      // an 'epoch' layer's bytes depend on the epoch itself: it is neither taken from nor kept in the cache
      const layerCache = mtimes === 'clamp' ? cache : undefined;
      const cached = await layerCache?.take(source, options.sourceDateEpoch, tempBlob);
      let descriptor: Descriptor;
      let diffId: Digest;
      if (cached) {
        descriptor = await writer.addBlobFile(tempBlob, MediaType.OciLayerGzip, cached.compressed);
        diffId = cached.diffId;
        logger.info(`${label}: re-packed earlier (cache), ${formatBytes(cached.compressed.size)} gzip`);
      } else {
        const progress = new ProgressReporter({ label: `${label} re-pack`, total: end - start, logger });
        const repacked = await repackLayerTar(file, {
          sourceDateEpoch: options.sourceDateEpoch,
          mtimes,
          directory: join(layoutDir, 'blobs'),
          start,
          end,
          onProgress: (bytes) => progress.add(bytes),
        });
        await layerCache?.put(
          {
            source,
            sourceMaxMtime: repacked.sourceMaxMtime,
            compressed: repacked.compressed,
            diffId: repacked.diffId,
            uncompressedSize: repacked.uncompressedSize,
          },
          repacked.path,
          options.sourceDateEpoch,
        );
        descriptor = await writer.addBlobFile(repacked.path, MediaType.OciLayerGzip, repacked.compressed);
        diffId = repacked.diffId;
        logger.info(
          `${label}: ${formatBytes(end - start)} re-packed to ${formatBytes(descriptor.size)} gzip in ${formatDuration(Date.now() - started)}${mtimes === 'epoch' ? ', every mtime = SOURCE_DATE_EPOCH' : ''}`,
        );
      }
      done.set(key, { descriptor, diffId });
      layers.push(descriptor);
      diffIds.push(diffId);
    }

    const newConfig = reproducibleConfig(config, diffIds, options.sourceDateEpoch);
    const configDescriptor = await writer.writeJson(newConfig, MediaType.OciConfig);
    const manifest = await writer.writeManifest(
      { schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDescriptor, layers },
      options.indexAnnotations,
    );
    return { ...(await readLayoutImage(layoutDir, { digest: manifest.digest })), baseLayerCount };
  } finally {
    await handle.close();
    for (const temp of temps) await rm(temp, { force: true });
  }
}
