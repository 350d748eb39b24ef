// Small OCI layouts for the registry tests: images with a shared base layer, one large random
// layer, or many small layers. Every layout is written under the test's own work directory.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../src/digest.ts';
import type { Descriptor, ImageConfig } from '../src/image-types.ts';
import { writeDeterministicLayer } from '../src/layer/deterministic-layer.ts';
import { type LoadedImage, readLayoutImage } from '../src/layout/layout-read.ts';
import { LayoutWriter } from '../src/layout/layout-writer.ts';
import { MediaType } from '../src/media-types.ts';

/** Writes the config (amd64 linux, these diffIDs, optional labels) and the manifest; the image it names. */
export async function finishTestImage(
  writer: LayoutWriter,
  layers: Descriptor[],
  diffIds: Digest[],
  labels?: Record<string, string>,
): Promise<LoadedImage> {
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    ...(labels ? { config: { Labels: labels } } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
  const configDescriptor = await writer.writeJson(config, MediaType.OciConfig);
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: configDescriptor,
    layers,
  });
  return readLayoutImage(writer.dir, { digest: manifest.digest });
}

/** Image builders writing their layouts under `work` (numbered, so names never collide). */
export function testImages(work: string) {
  let counter = 0;

  /** An image of one reproducible gzip layer per file. */
  async function gzipLayerImage(files: readonly (readonly [string, Buffer])[]): Promise<LoadedImage> {
    const dir = join(work, `test-image-${++counter}`);
    const writer = await LayoutWriter.create(dir);
    const layers: Descriptor[] = [];
    const diffIds: Digest[] = [];
    for (const [path, data] of files) {
      const layer = await writeDeterministicLayer([{ path, type: 'file', mode: 0o644, data }], {
        sourceDateEpoch: 1_700_000_000,
        directory: dir,
      });
      layers.push(await writer.addBlobFile(layer.path, MediaType.OciLayerGzip, layer.compressed));
      diffIds.push(layer.diffId);
    }
    return finishTestImage(writer, layers, diffIds);
  }

  /** A small image: a shared "base" layer (same bytes for the same seed) and an app layer. */
  function makeImage(seed: string, app: string): Promise<LoadedImage> {
    const base = createHash('sha512').update(seed).digest().toString('hex').repeat(20_000);
    return gzipLayerImage([
      ['base.bin', Buffer.from(base)],
      ['app.txt', Buffer.from(app)],
    ]);
  }

  /** An image of `count` small layers (distinct bytes per seed), so a push runs `count + 1` blob uploads at once. */
  function manyLayerImage(seed: string, count: number): Promise<LoadedImage> {
    return gzipLayerImage(
      Array.from({ length: count }, (_, i) => {
        const bytes = createHash('sha512').update(`${seed}-${i}`).digest().toString('hex').repeat(2_000);
        return [`layer-${i}.txt`, Buffer.from(bytes)] as const;
      }),
    );
  }

  /** An image with one random (incompressible) blob of `size` bytes as its layer. */
  async function bigImage(size: number): Promise<LoadedImage> {
    const dir = join(work, `test-image-${++counter}`);
    const writer = await LayoutWriter.create(dir);
    const file = join(work, `test-image-${counter}.bin`);
    await pipeline(
      (async function* () {
        for (let left = size; left > 0; left -= 1 << 20) yield randomBytes(Math.min(left, 1 << 20));
      })(),
      createWriteStream(file),
    );
    const layer = await writer.addBlobFile(file, MediaType.OciLayer);
    return finishTestImage(writer, [layer], [layer.digest]);
  }

  return { makeImage, bigImage, manyLayerImage };
}
