import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { dockerArchiveToLayout } from '../layout/docker-archive-to-layout.ts';
import { readLayoutImage, verifyLayout } from '../layout/layout-read.ts';
import { layoutToDockerArchive } from '../layout/layout-to-docker-archive.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { MediaType } from '../media-types.ts';
import { writeDeterministicLayer } from './deterministic-layer.ts';
import { type CachedLayer, LayerCache } from './layer-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'layer-cache-test-'));
  dirs.push(dir);
  const tar = Buffer.from('the re-packed tar');
  const bytes = gzipSync(tar);
  const file = join(dir, 'layer.tar.gz');
  writeFileSync(file, bytes);
  const layer: CachedLayer = {
    source: sha256Digest('source tar'),
    sourceMaxMtime: 1_000,
    compressed: { digest: sha256Digest(bytes), size: bytes.length },
    diffId: sha256Digest(tar),
    uncompressedSize: tar.length,
  };
  const cacheDir = join(dir, 'cache');
  const blob = join(cacheDir, `v2-${layer.compressed.digest.slice(7)}.tar.gz`);
  const meta = join(cacheDir, `v2-${layer.source.slice(7)}.json`);
  return { dir, file, bytes, layer, blob, meta, cache: new LayerCache(cacheDir) };
}

describe('LayerCache', () => {
  it('gives a layer back for any epoch at or above the newest mtime of its source', async () => {
    const { dir, file, bytes, layer, cache } = setup();
    await cache.put(layer, file, 5_000);
    expect(await cache.take(layer.source, 1_000, join(dir, 'a'))).toEqual(layer);
    expect(readFileSync(join(dir, 'a'))).toEqual(bytes);
    expect(await cache.take(layer.source, 999, join(dir, 'b'))).toBeUndefined();
  });

  it('keeps nothing when the epoch clamped some mtime (the bytes depend on it)', async () => {
    const { dir, file, layer, cache } = setup();
    await cache.put(layer, file, 999);
    expect(await cache.take(layer.source, 5_000, join(dir, 'a'))).toBeUndefined();
  });

  it.each([
    [
      'other bytes of the same size',
      (blob: string, bytes: Buffer) => writeFileSync(blob, Buffer.alloc(bytes.length, 7)),
    ],
    ['a valid gzip of another tar', (blob: string) => writeFileSync(blob, gzipSync(Buffer.from('another tar!!!!!!')))],
    ['a truncated blob', (blob: string, bytes: Buffer) => writeFileSync(blob, bytes.subarray(0, 10))],
  ])(
    'discards an entry whose blob is %s, never hands it out, and the next put files it again',
    async (_name, corrupt) => {
      const { dir, file, bytes, layer, blob, meta, cache } = setup();
      await cache.put(layer, file, 5_000);
      corrupt(blob, bytes);
      expect(await cache.take(layer.source, 5_000, join(dir, 'a'))).toBeUndefined();
      expect(existsSync(join(dir, 'a'))).toBe(false);
      expect(existsSync(meta)).toBe(false);
      // re-packed by the caller and filed again: usable, with the right bytes
      writeFileSync(file, bytes);
      await cache.put(layer, file, 5_000);
      expect(await cache.take(layer.source, 5_000, join(dir, 'b'))).toEqual(layer);
      expect(sha256Digest(readFileSync(join(dir, 'b')))).toBe(layer.compressed.digest);
    },
  );

  it.each([
    ['another diff ID', { diffId: sha256Digest('not the tar') }],
    ['another uncompressed size', { uncompressedSize: 3 }],
    ['a size that is not a number', { uncompressedSize: 'x' }],
    ['a record of another source', { source: sha256Digest('other source') }],
  ])('discards an entry whose record names %s', async (_name, change) => {
    const { dir, file, layer, meta, cache } = setup();
    await cache.put(layer, file, 5_000);
    writeFileSync(meta, JSON.stringify({ ...layer, ...change }));
    expect(await cache.take(layer.source, 5_000, join(dir, 'a'))).toBeUndefined();
    expect(existsSync(meta)).toBe(false);
  });
});

describe('docker archive -> layout with a layer cache', () => {
  it('a corrupted cached layer is rebuilt, and the image has the same digest as without a cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layer-cache-archive-'));
    dirs.push(dir);
    const layer = await writeDeterministicLayer(
      [{ path: 'app/app.txt', type: 'file', mode: 0o644, data: Buffer.from('app\n') }],
      { sourceDateEpoch: 1_600_000_000, directory: dir },
    );
    const tar = gunzipSync(readFileSync(layer.path));
    const plain = join(dir, 'plain.tar');
    writeFileSync(plain, tar);
    const writer = await LayoutWriter.create(join(dir, 'in'));
    const descriptor = await writer.addBlobFile(plain, MediaType.OciLayer);
    const config = await writer.writeJson(
      { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } },
      MediaType.OciConfig,
    );
    const manifest = await writer.writeManifest({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers: [descriptor],
    });
    const archive = join(dir, 'image.tar');
    await layoutToDockerArchive(join(dir, 'in'), manifest.digest, archive);
    const cacheDir = join(dir, 'cache');
    let n = 0;
    const convert = (cache: boolean) =>
      dockerArchiveToLayout(archive, join(dir, `out-${++n}`), {
        sourceDateEpoch: 1_700_000_000,
        ...(cache ? { cacheDir } : {}),
      });
    const expected = (await convert(false)).digest;
    expect((await convert(true)).digest).toBe(expected); // fills the cache
    const [blobName] = readdirSync(cacheDir).filter((f) => f.endsWith('.tar.gz'));
    const [metaName] = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    const blob = join(cacheDir, blobName ?? '');
    const meta = join(cacheDir, metaName ?? '');

    // the record: a diff ID that the blob does not hold
    const record = JSON.parse(readFileSync(meta, 'utf8')) as CachedLayer;
    writeFileSync(meta, JSON.stringify({ ...record, diffId: sha256Digest('forged') }));
    const again = await convert(true);
    expect(again.digest).toBe(expected);
    await verifyLayout(again.layoutDir, expected);

    // the blob (filed again by the rebuild above): same size, other bytes
    writeFileSync(blob, Buffer.alloc(readFileSync(blob).length, 1));
    const rebuilt = await convert(true);
    expect(rebuilt.digest).toBe(expected);
    expect((await readLayoutImage(rebuilt.layoutDir)).config.rootfs.diff_ids).toEqual(
      (await readLayoutImage(again.layoutDir)).config.rootfs.diff_ids,
    );
    // and the cache was repaired: the next use takes it (no re-pack) with the same result
    expect((await convert(true)).digest).toBe(expected);
    expect(sha256Digest(readFileSync(blob))).toBe(`sha256:${blobName?.slice(3, 67)}`);
  });
});
