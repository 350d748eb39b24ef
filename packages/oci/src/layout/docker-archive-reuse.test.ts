// dockerArchiveToLayout with the base image's layers known: a layer whose diffID is one of the
// base's takes the base's compressed blob as it is; the others are re-packed. No engine needed: the
// docker archive is written from layouts by layoutToDockerArchive.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Logger } from '@bakeline/toolkit';
import { afterAll, describe, expect, it } from 'vitest';
import { type Digest, sha256Digest } from '../digest.ts';
import type { Descriptor, ImageConfig } from '../image-types.ts';
import { writeDeterministicLayer } from '../layer/deterministic-layer.ts';
import { MediaType } from '../media-types.ts';
import { dockerArchiveToLayout } from './docker-archive-to-layout.ts';
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

/** A gzip layer as another tool would write it (Node's zlib at level 1: not bakeline's bytes), and its diffID. */
async function foreignLayer(files: Record<string, Buffer>, mediaType: string, dir: string) {
  const layer = await writeDeterministicLayer(
    Object.entries(files).map(([path, data]) => ({ path, type: 'file' as const, mode: 0o644, data })),
    { sourceDateEpoch: EPOCH - 5000, directory: dir },
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
