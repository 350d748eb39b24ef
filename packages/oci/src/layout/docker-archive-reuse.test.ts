// dockerArchiveToLayout with the base image known: a layer whose diffID is one of the base's takes
// the base's compressed blob as it is; the others are re-packed, and the layers above the base
// with every mtime set to the epoch. No engine needed: the docker archive is written from layouts
// by layoutToDockerArchive.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Logger } from '@bakeline/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { type Digest, sha256Digest } from '../digest.ts';
import type { Descriptor, ImageConfig } from '../image-types.ts';
import { writeDeterministicLayer } from '../layer/deterministic-layer.ts';
import { MediaType } from '../media-types.ts';
import { indexTar } from '../tar/tar-reader.ts';
import { dockerArchiveToLayout } from './docker-archive-to-layout.ts';
import { blobPath } from './layout-paths.ts';
import { type LoadedImage, readLayoutImage, verifyLayout } from './layout-read.ts';
import { layoutToDockerArchive } from './layout-to-docker-archive.ts';
import { LayoutWriter } from './layout-writer.ts';

const EPOCH = 1_700_000_000;
const work = mkdtempSync(join(tmpdir(), 'oci-archive-reuse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(m),
    error: (m) => lines.push(m),
    debug: () => {},
    group: (_n, fn) => fn(),
  };
}

/**
 * A gzip layer as another tool would write it (Node's zlib at level 1: not bakeline's bytes), and
 * its diffID. Its files carry `mtime` (default: older than EPOCH).
 */
async function foreignLayer(files: Record<string, Buffer>, mediaType: string, dir: string, mtime = EPOCH - 5000) {
  const layer = await writeDeterministicLayer(
    Object.entries(files).map(([path, data]) => ({ path, type: 'file' as const, mode: 0o644, data, mtime })),
    { sourceDateEpoch: Math.max(mtime, EPOCH), directory: dir },
  );
  const tar = gunzipSync(readFileSync(layer.path));
  const file = join(dir, `foreign-${++counter}.tar.gz`);
  writeFileSync(file, gzipSync(tar, { level: 1 }));
  rmSync(layer.path);
  return { file, mediaType, diffId: sha256Digest(tar) };
}

async function image(layers: { file: string; mediaType: string; diffId: Digest }[]): Promise<LoadedImage> {
  const dir = join(work, `layout-${++counter}`);
  const writer = await LayoutWriter.create(dir);
  const descriptors: Descriptor[] = [];
  for (const layer of layers) {
    const copy = join(dir, `copy-${++counter}`); // addBlobFile moves its file in
    copyFileSync(layer.file, copy);
    descriptors.push(await writer.addBlobFile(copy, layer.mediaType));
  }
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  };
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: await writer.writeJson(config, MediaType.OciConfig),
    layers: descriptors,
  });
  return readLayoutImage(dir, { digest: manifest.digest });
}

describe('docker archive -> OCI layout, reusing the base image layers', () => {
  it.each([MediaType.OciLayerGzip, MediaType.DockerLayerGzip])(
    'a layer with a diffID of the base (%s) keeps the base blob; the new layer is re-packed; the digest is stable',
    async (baseMediaType) => {
      const scratch = mkdtempSync(join(work, 'scratch-'));
      const baseLayer = await foreignLayer({ 'usr/lib/big.bin': randomBytes(300_000) }, baseMediaType, scratch);
      const appLayer = await foreignLayer({ 'app/app.txt': Buffer.from('app\n') }, MediaType.OciLayerGzip, scratch);
      const base = await image([baseLayer]);
      const built = await image([baseLayer, appLayer]);
      const archive = join(work, `built-${++counter}.tar`);
      await layoutToDockerArchive(built.layoutDir, built.digest, archive);

      const convert = async (reuse: boolean) => {
        const logger = recordingLogger();
        const out = await dockerArchiveToLayout(archive, join(work, `out-${++counter}`), {
          sourceDateEpoch: EPOCH,
          logger,
          ...(reuse ? { reuseLayersFrom: [base] } : {}),
        });
        return { out, logger };
      };
      const { out, logger } = await convert(true);
      const [first, second] = out.manifest.layers;
      expect(first).toEqual({
        mediaType: MediaType.OciLayerGzip,
        digest: base.manifest.layers[0]?.digest,
        size: base.manifest.layers[0]?.size,
      });
      expect(out.config.rootfs.diff_ids[0]).toBe(baseLayer.diffId);
      expect(second?.digest).not.toBe(built.manifest.layers[1]?.digest); // re-packed by bakeline
      expect(logger.lines.filter((l) => /reused, same diffID/.test(l))).toHaveLength(1);
      expect(logger.lines.filter((l) => /re-packed to/.test(l))).toHaveLength(1);
      await verifyLayout(out.layoutDir, out.digest);

      // deterministic: the same inputs give the same digest
      expect((await convert(true)).out.digest).toBe(out.digest);
      // without the base, the base layer is re-packed (other bytes, so another digest)
      const repacked = (await convert(false)).out;
      expect(repacked.manifest.layers[0]?.digest).not.toBe(base.manifest.layers[0]?.digest);
      expect(repacked.manifest.layers[1]?.digest).toBe(second?.digest);
      expect(repacked.digest).not.toBe(out.digest);
    },
  );

  it('does not take an uncompressed base layer (the output stays gzip)', async () => {
    const scratch = mkdtempSync(join(work, 'scratch-'));
    const gz = await foreignLayer({ 'etc/x': Buffer.from('x\n') }, MediaType.OciLayer, scratch);
    const tarFile = join(scratch, 'plain.tar');
    writeFileSync(tarFile, gunzipSync(readFileSync(gz.file)));
    const plain = { file: tarFile, mediaType: MediaType.OciLayer, diffId: gz.diffId };
    const base = await image([plain]);
    const archive = join(work, `plain-${++counter}.tar`);
    await layoutToDockerArchive(base.layoutDir, base.digest, archive);
    const out = await dockerArchiveToLayout(archive, join(work, `out-${++counter}`), {
      sourceDateEpoch: EPOCH,
      reuseLayersFrom: [base],
    });
    expect(out.manifest.layers[0]?.mediaType).toBe(MediaType.OciLayerGzip);
    expect(out.manifest.layers[0]?.digest).not.toBe(base.manifest.layers[0]?.digest);
  });
});

/** The mtimes of a layout's layer, by path. */
async function layerMtimes(layoutDir: string, layer: Descriptor | undefined): Promise<Record<string, number>> {
  if (layer === undefined) throw new Error('no such layer');
  const file = join(work, `layer-${++counter}.tar`);
  writeFileSync(file, gunzipSync(readFileSync(blobPath(layoutDir, layer.digest))));
  const handle = await open(file, 'r');
  try {
    const entries = await indexTar(handle, 0, (await handle.stat()).size, file);
    return Object.fromEntries(entries.map((e) => [e.name, e.mtime]));
  } finally {
    await handle.close();
  }
}

describe('docker archive -> OCI layout, the layers above the base', () => {
  // The same application files, once as a fresh build wrote them (newer than the epoch) and once
  // as the engine's build cache handed them back from an earlier build (older than the epoch).
  const app = { 'app/app.jar': Buffer.from('the same jar bytes\n') };

  async function archives() {
    const scratch = mkdtempSync(join(work, 'scratch-'));
    const baseLayer = await foreignLayer({ 'usr/lib/libx.so': Buffer.from('lib\n') }, MediaType.OciLayerGzip, scratch);
    const fresh = await foreignLayer(app, MediaType.OciLayerGzip, scratch, EPOCH + 300);
    const cached = await foreignLayer(app, MediaType.OciLayerGzip, scratch, EPOCH - 240);
    const archive = async (layers: Parameters<typeof image>[0]) => {
      const built = await image(layers);
      const file = join(work, `built-${++counter}.tar`);
      await layoutToDockerArchive(built.layoutDir, built.digest, file);
      return file;
    };
    return {
      baseLayer,
      fresh: await archive([baseLayer, fresh]),
      cached: await archive([baseLayer, cached]),
    };
  }

  it('a cached layer with older mtimes gives the same digest as a fresh one: every mtime above the base is the epoch', async () => {
    const { baseLayer, fresh, cached } = await archives();
    const convert = (archive: string, baseDiffIds?: string[]) =>
      dockerArchiveToLayout(archive, join(work, `out-${++counter}`), {
        sourceDateEpoch: EPOCH,
        ...(baseDiffIds ? { baseDiffIds } : {}),
      });
    const a = await convert(fresh, [baseLayer.diffId]);
    const b = await convert(cached, [baseLayer.diffId]);
    expect(a.baseLayerCount).toBe(1);
    expect(b.digest).toBe(a.digest);
    expect(await layerMtimes(b.layoutDir, b.manifest.layers[1])).toEqual({ 'app/app.jar': EPOCH });
    // the base layer is the base's as it is: its older mtimes are kept (clamped, not moved)
    expect(await layerMtimes(b.layoutDir, b.manifest.layers[0])).toEqual({ 'usr/lib/libx.so': EPOCH - 5000 });
    // a clamp alone keeps the cached layer's older mtimes: the digests part (the defect this prevents)
    const clampedFresh = await convert(fresh);
    const clampedCached = await convert(cached);
    expect(clampedFresh.baseLayerCount).toBe(0);
    expect(clampedCached.digest).not.toBe(clampedFresh.digest);
    // no base known (FROM scratch, or a base the engine cannot name): every layer is the build's
    const scratch = await convert(cached, []);
    expect(scratch.baseLayerCount).toBe(0);
    expect(Object.values(await layerMtimes(scratch.layoutDir, scratch.manifest.layers[0]))).toEqual([EPOCH]);
  });

  it('keeps the base layers in the layer cache, never a layer above the base', async () => {
    const { baseLayer, fresh, cached } = await archives();
    const cacheDir = join(work, `cache-${++counter}`);
    const convert = (archive: string, sourceDateEpoch: number) =>
      dockerArchiveToLayout(archive, join(work, `out-${++counter}`), {
        sourceDateEpoch,
        cacheDir,
        baseDiffIds: [baseLayer.diffId],
      });
    const first = await convert(cached, EPOCH);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    // a later commit: the cached layer's bytes are the same source, but its mtimes move to the new epoch
    const later = await convert(cached, EPOCH + 60);
    expect(later.manifest.layers[0]?.digest).toBe(first.manifest.layers[0]?.digest);
    expect(later.manifest.layers[1]?.digest).not.toBe(first.manifest.layers[1]?.digest);
    expect(await layerMtimes(later.layoutDir, later.manifest.layers[1])).toEqual({ 'app/app.jar': EPOCH + 60 });
    expect((await convert(fresh, EPOCH)).digest).toBe(first.digest);
  });
});
