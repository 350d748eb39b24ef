import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from './digest.ts';
import { type CachedLayer, LayerCache } from './layer-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'layer-cache-test-'));
  dirs.push(dir);
  const bytes = Buffer.from('compressed layer');
  const file = join(dir, 'layer.tar.gz');
  writeFileSync(file, bytes);
  const layer: CachedLayer = {
    source: sha256Digest('source tar'),
    sourceMaxMtime: 1_000,
    compressed: { digest: sha256Digest(bytes), size: bytes.length },
    diffId: sha256Digest('new tar'),
    uncompressedSize: 2048,
  };
  return { dir, file, layer, cache: new LayerCache(join(dir, 'cache')) };
}

describe('LayerCache', () => {
  it('gives a layer back for any epoch at or above the newest mtime of its source', async () => {
    const { dir, file, layer, cache } = setup();
    await cache.put(layer, file, 5_000);
    expect(await cache.take(layer.source, 1_000, join(dir, 'a'))).toEqual(layer);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('compressed layer');
    expect(await cache.take(layer.source, 999, join(dir, 'b'))).toBeUndefined();
  });

  it('keeps nothing when the epoch clamped some mtime (the bytes depend on it)', async () => {
    const { dir, file, layer, cache } = setup();
    await cache.put(layer, file, 999);
    expect(await cache.take(layer.source, 5_000, join(dir, 'a'))).toBeUndefined();
  });

  it('ignores a cached blob whose bytes no longer match', async () => {
    const { dir, file, layer, cache } = setup();
    await cache.put(layer, file, 5_000);
    writeFileSync(join(dir, 'cache', `v2-${layer.compressed.digest.slice(7)}.tar.gz`), 'tampered layer!!');
    expect(await cache.take(layer.source, 5_000, join(dir, 'a'))).toBeUndefined();
  });
});
