import { readFileSync, writeFileSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repackLayerTar } from '../layer/layer-repack.ts';
import { indexTar, type TarIndexEntry } from './tar-reader.ts';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/oci');
const LONG = `d/${Array(6).fill('very-long-component-name').join('/')}/x.txt`;

async function index(name: string): Promise<TarIndexEntry[]> {
  const handle = await open(join(FIXTURES, name), 'r');
  try {
    return await indexTar(handle, 0, (await handle.stat()).size, name);
  } finally {
    await handle.close();
  }
}

describe('indexTar', () => {
  it.each(['tar-01-gnu.tar', 'tar-02-pax.tar'])(
    'reads names, types, links and modes written by GNU tar (%s)',
    async (name) => {
      const entries = await index(name);
      const byName = new Map(entries.map((e) => [e.name, e]));
      expect(byName.get('d/file.txt')).toMatchObject({ type: 'file', mode: 0o4755, size: 6, mtime: 1_600_000_000 });
      expect(byName.get('d/hard')).toMatchObject({ type: 'hardlink', linkname: 'd/file.txt', size: 0 });
      expect(byName.get('d/sym')).toMatchObject({ type: 'symlink', linkname: 'file.txt' });
      expect(byName.get('d/fifo')).toMatchObject({ type: 'fifo' });
      expect(byName.get('d/naïve.txt')).toMatchObject({ type: 'file', size: 3 });
      expect(byName.get(LONG)).toMatchObject({ type: 'file', size: 5 });
      const data = await readFile(join(FIXTURES, name));
      const file = byName.get('d/file.txt');
      expect(data.subarray(file?.dataOffset, (file?.dataOffset ?? 0) + 6).toString()).toBe('hello\n');
    },
  );

  it('reads PAX owners and binary xattrs', async () => {
    const entries = await index('tar-02-pax.tar');
    const file = entries.find((e) => e.name === 'd/file.txt');
    expect(file).toMatchObject({ uid: 1000, gid: 1000 });
    expect(file?.xattrs).toEqual([['user.k', Uint8Array.from([0, 1, 0x62, 0x69, 0x6e])]]);
  });

  it('re-packs a GNU tar into a layer with the same contents, sorted', async () => {
    const layer = await repackLayerTar(join(FIXTURES, 'tar-02-pax.tar'), { sourceDateEpoch: 1_700_000_000 });
    try {
      const tarPath = `${layer.path}.tar`;
      writeFileSync(tarPath, gunzipSync(readFileSync(layer.path)));
      const handle = await open(tarPath, 'r');
      const repacked = await indexTar(handle, 0, (await handle.stat()).size, 'repacked');
      await handle.close();
      await rm(tarPath);
      const original = await index('tar-02-pax.tar');
      const strip = (e: TarIndexEntry) => ({ ...e, name: e.name.replace(/\/$/, ''), dataOffset: 0, mtime: 0 });
      expect(repacked.map(strip)).toEqual(
        original.map(strip).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      );
      expect(repacked.find((e) => e.name === 'd/file.txt')?.mtime).toBe(1_600_000_000);
      expect(Math.max(...repacked.map((e) => e.mtime))).toBeLessThanOrEqual(1_700_000_000);
    } finally {
      await rm(layer.path, { force: true });
    }
  });
});
