import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { fileRange } from '../file-range.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { type DeterministicLayer, writeDeterministicLayer } from './deterministic-layer.ts';

const EPOCH = 1_700_000_000;

/** Deterministic pseudo-random bytes (xorshift), so the fixture needs no file. */
function noise(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x & 0xff) % 40; // compressible but not trivial
  }
  return out;
}

const big = noise(300_000, 42);

/** One of each kind: dirs, files (bytes and streamed), long and non-ASCII names, symlink, hardlink, setuid, xattr. */
function fixtureEntries(chunkSize = 7_000): TarEntry[] {
  return [
    {
      path: 'usr/bin/tool',
      type: 'file',
      mode: 0o104755,
      data: Buffer.from('#!/bin/sh\necho hi\n'),
      mtime: EPOCH - 100,
    },
    { path: 'app/', type: 'dir', mode: 0o40755, mtime: EPOCH + 5_000 },
    {
      path: './app/big.bin',
      type: 'file',
      mode: 0o644,
      size: big.length,
      data: () => Readable.from(chunks(big, chunkSize)),
    },
    { path: `app/${'long-directory-name/'.repeat(8)}file.txt`, type: 'file', mode: 0o600, data: Buffer.from('deep') },
    { path: 'app/café.txt', type: 'file', mode: 0o644, data: Buffer.from('crème') },
    { path: 'app/link', type: 'symlink', mode: 0o777, linkTarget: 'big.bin' },
    { path: 'app/a-hardlink', type: 'hardlink', mode: 0o644, linkTarget: 'app/big.bin' },
    { path: 'usr/', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
    { path: 'usr/bin/', type: 'dir', mode: 0o755 },
    {
      path: 'usr/bin/ping',
      type: 'file',
      mode: 0o755,
      data: Buffer.from('ELF'),
      xattrs: { 'security.capability': Uint8Array.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0]) },
    },
    { path: 'app/owned', type: 'file', mode: 0o640, uid: 1000, gid: 1000, data: Buffer.from('x') },
  ];
}

function* chunks(data: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function listTar(tar: Buffer): Promise<{ header: Header; data: Buffer }[]> {
  const out: { header: Header; data: Buffer }[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        parts.push(c as Buffer);
      });
      stream.on('end', () => {
        out.push({ header, data: Buffer.concat(parts) });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return out;
}

const written: DeterministicLayer[] = [];
async function write(entries: TarEntry[] | AsyncIterable<TarEntry>, epoch = EPOCH): Promise<DeterministicLayer> {
  const layer = await writeDeterministicLayer(entries, { sourceDateEpoch: epoch });
  written.push(layer);
  return layer;
}
afterEach(() => {
  for (const layer of written.splice(0)) rmSync(layer.path, { force: true });
});

describe('writeDeterministicLayer', () => {
  it('writes the pinned bytes for the fixture layer (golden digests)', async () => {
    const layer = await write(fixtureEntries());
    // Any change to these values changes every image bakeline has ever built: treat it as a breaking change.
    expect(layer.compressed.digest).toBe('sha256:5c2358cada9b80ac1509d5486db478a5cc10e10a83f580c4db87acc90a30f371');
    expect(layer.diffId).toBe('sha256:ee693ecdc242359e66e0dedaad545657d6b107f60e5841679ac48533a521838d');
    expect(layer.compressed.size).toBe(readFileSync(layer.path).length);
    expect(sha256Digest(readFileSync(layer.path))).toBe(layer.compressed.digest);
  });

  it('gives the same bytes whatever the input order and stream chunking', async () => {
    const a = await write(fixtureEntries(7_000));
    const reversed = fixtureEntries(65_536 * 3 + 1).reverse();
    const b = await write(
      (async function* () {
        yield* reversed;
      })(),
    );
    expect(b.compressed.digest).toBe(a.compressed.digest);
    expect(b.diffId).toBe(a.diffId);
  });

  it('gives the same bytes for a file given as a range of a file on disk, across block boundaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-layer-range-'));
    try {
      const prefix = noise(1000, 7);
      const large = noise(2_600_000, 9); // spans three of the writer's 1 MiB blocks
      const onDisk = join(dir, 'data.bin');
      writeFileSync(onDisk, Buffer.concat([prefix, big, large, prefix]));
      const fromMemory = await write([
        ...fixtureEntries(),
        { path: 'app/large.bin', type: 'file', mode: 0o644, data: large },
      ]);
      const seen: number[] = [];
      const fromFile = await write([
        ...fixtureEntries().map((e) =>
          e.path === './app/big.bin' ? { ...e, data: fileRange(onDisk, prefix.length, big.length) } : e,
        ),
        {
          path: 'app/large.bin',
          type: 'file',
          mode: 0o644,
          data: fileRange(onDisk, prefix.length + big.length, large.length, (c) => seen.push(c.length)),
        },
      ]);
      expect(fromFile.compressed.digest).toBe(fromMemory.compressed.digest);
      expect(fromFile.diffId).toBe(fromMemory.diffId);
      expect(seen.reduce((a, b) => a + b, 0)).toBe(large.length);

      // the golden fixture, with its streamed file read from disk instead
      const golden = await write(
        fixtureEntries().map((e) =>
          e.path === './app/big.bin' ? { ...e, data: fileRange(onDisk, prefix.length, big.length) } : e,
        ),
      );
      expect(golden.compressed.digest).toBe('sha256:5c2358cada9b80ac1509d5486db478a5cc10e10a83f580c4db87acc90a30f371');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails naming the file when a range runs past its end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oci-layer-range-'));
    try {
      const onDisk = join(dir, 'short.bin');
      writeFileSync(onDisk, Buffer.alloc(1000));
      await expect(
        write([{ path: 'a', type: 'file', mode: 0o644, data: fileRange(onDisk, 500, 1000) }]),
      ).rejects.toThrow(`${onDisk}: ended at byte 1000, expected 1500 (the file changed while it was read)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a gzip that zlib reads back to the tar the diff ID names', async () => {
    const layer = await write(fixtureEntries());
    const gz = readFileSync(layer.path);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // no mtime, no name, Unix
    const tar = gunzipSync(gz);
    expect(`sha256:${createHash('sha256').update(tar).digest('hex')}`).toBe(layer.diffId);
    expect(tar.length).toBe(layer.uncompressedSize);
  });

  it('sorts entries, clamps mtimes, zeroes owners by default and clears user and group names', async () => {
    const layer = await write(fixtureEntries());
    const entries = await listTar(gunzipSync(readFileSync(layer.path)));
    const names = entries.map((e) => e.header.name);
    expect(names).toEqual([...names].sort());
    expect(names.slice(0, 4)).toEqual(['app/', 'app/a-hardlink', 'app/big.bin', 'app/café.txt']);
    for (const { header } of entries) {
      expect(header.mtime.getTime() / 1000).toBeLessThanOrEqual(EPOCH);
      expect(header.uname).toBe('');
      expect(header.gname).toBe('');
    }
    const byName = new Map(entries.map((e) => [e.header.name, e]));
    expect(byName.get('usr/bin/tool')?.header.mtime.getTime()).toBe((EPOCH - 100) * 1000);
    expect(byName.get('usr/bin/tool')?.header.mode).toBe(0o4755);
    expect(byName.get('app/')?.header.mtime.getTime()).toBe(EPOCH * 1000);
    expect(byName.get('app/owned')?.header).toMatchObject({ uid: 1000, gid: 1000, mode: 0o640 });
    expect(byName.get('usr/bin/ping')?.header).toMatchObject({ uid: 0, gid: 0 });
  });

  it('writes long and non-ASCII names through PAX and keeps xattrs', async () => {
    const layer = await write(fixtureEntries());
    const entries = await listTar(gunzipSync(readFileSync(layer.path)));
    const long = `app/${'long-directory-name/'.repeat(8)}file.txt`;
    expect(entries.find((e) => e.header.name === long)?.data.toString()).toBe('deep');
    expect(entries.find((e) => e.header.name === 'app/café.txt')?.data.toString()).toBe('crème');
    const ping = entries.find((e) => e.header.name === 'usr/bin/ping');
    expect(ping?.header.pax).toHaveProperty(['SCHILY.xattr.security.capability']);
  });

  it('puts the data on the first path of a hardlink group and links the others to it', async () => {
    const layer = await write(fixtureEntries());
    const entries = await listTar(gunzipSync(readFileSync(layer.path)));
    const first = entries.find((e) => e.header.name === 'app/a-hardlink');
    const second = entries.find((e) => e.header.name === 'app/big.bin');
    expect(first?.header.type).toBe('file');
    expect(first?.data.equals(Buffer.from(big))).toBe(true);
    expect(second?.header).toMatchObject({ type: 'link', linkname: 'app/a-hardlink', size: 0 });
  });

  it('changes the digest when one byte of a file changes', async () => {
    const a = await write(fixtureEntries());
    const changed = fixtureEntries().map((e) =>
      e.path === 'usr/bin/tool' ? { ...e, data: Buffer.from('#!/bin/sh\necho ho\n') } : e,
    );
    const b = await write(changed);
    expect(b.compressed.digest).not.toBe(a.compressed.digest);
    expect(b.diffId).not.toBe(a.diffId);
  });

  it.each([
    [
      { path: '../etc/passwd', type: 'file', mode: 0o644, data: Buffer.from('x') },
      /'\.\.\/etc\/passwd'.*without '\.\.'/,
    ],
    [{ path: 'a/../../b', type: 'dir', mode: 0o755 }, /without '\.\.'/],
    [
      { path: 'f', type: 'file', mode: 0o644, size: 5, data: () => Readable.from([Buffer.from('abc')]) },
      /declared 5 bytes, its data had 3/,
    ],
    [{ path: 'f', type: 'file', mode: 0o644, data: () => Readable.from([Buffer.from('abc')]) }, /needs its size/],
    [{ path: 's', type: 'symlink', mode: 0o777 }, /needs a linkTarget/],
  ] as [TarEntry, RegExp][])('rejects a bad entry %#', async (entry, message) => {
    await expect(write([entry])).rejects.toThrow(message);
  });

  it('rejects a SOURCE_DATE_EPOCH that is not a whole non-negative number', async () => {
    await expect(write([], 1.5)).rejects.toThrow("SOURCE_DATE_EPOCH '1.5'");
  });
});
