import { gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import {
  deflateBlockSync,
  GZIP_BLOCK_SIZE,
  GzipWriter,
  gzipSyncDeterministic,
  syncFlushMarker,
} from './deterministic-gzip.ts';

async function gzip(data: Uint8Array, writeSize: number): Promise<Buffer> {
  const out: Uint8Array[] = [];
  const gz = new GzipWriter((c) => {
    out.push(c);
  });
  for (let i = 0; i < data.length; i += writeSize) await gz.write(data.subarray(i, i + writeSize));
  await gz.end();
  return Buffer.concat(out);
}

/** Compressible, deterministic bytes (xorshift mapped to a small alphabet). */
function noise(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 97 + ((x >>> 0) % 23);
  }
  return out;
}

describe('deterministic gzip', () => {
  const small = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 7919) % 251));

  it('gives the same bytes however the input is chunked', async () => {
    const reference = await gzip(small, 1 << 20);
    for (const size of [1_000, 65_536, 65_537, 200_000]) {
      expect(sha256Digest(await gzip(small, size))).toBe(sha256Digest(reference));
    }
    expect(sha256Digest(gzipSyncDeterministic(small))).toBe(sha256Digest(reference));
  });

  it('produces a gzip that zlib inflates to the input, empty input included', async () => {
    expect(gunzipSync(await gzip(small, 4096)).equals(small)).toBe(true);
    expect(gunzipSync(await gzip(Buffer.alloc(0), 1)).length).toBe(0);
  });

  it('gives the same bytes for a multi-block input however it is written, and zlib reads it', async () => {
    const data = noise(GZIP_BLOCK_SIZE + 12_345);
    const one = await gzip(data, 1 << 20);
    const two = await gzip(data, 3_000_000);
    expect(sha256Digest(two)).toBe(sha256Digest(one));
    expect(sha256Digest(gzipSyncDeterministic(data))).toBe(sha256Digest(one));
    expect(gunzipSync(one).equals(data)).toBe(true);
    // pinned: the block format (16 MiB blocks, 32 KiB dictionary, sync flush) is part of every digest
    expect(sha256Digest(one)).toBe('sha256:53dbf50577edbd9e96b345152f24eb56fbf034754789619fa31a391ebb1ae63d');
  });

  // Blocks whose compressed bits end at every bit position of a byte: the sync flush must leave the
  // stream readable at each (fflate's own flush broke it whenever the last byte was partly written).
  it.each(Array.from({ length: 48 }, (_, i) => 1_000 + i * 37))(
    'a block of %i bytes ends with a sync flush a raw inflater reads through',
    (size) => {
      const first = noise(size);
      const second = noise(size + 5).subarray(5);
      const deflated = Buffer.concat([
        ...deflateBlockSync(first, undefined, false),
        ...deflateBlockSync(second, first.subarray(-32_768), true),
      ]);
      expect(inflateRawSync(deflated).equals(Buffer.concat([first, second]))).toBe(true);
    },
  );

  it.each([
    [0, [0x00, 0x00, 0x00, 0xff, 0xff]],
    [(0b101 << 3) | 3, [0b101, 0x00, 0x00, 0xff, 0xff]],
    [(0b11 << 3) | 5, [0b11, 0x00, 0x00, 0xff, 0xff]],
    [(0b111111 << 3) | 6, [0b111111, 0x00, 0x00, 0x00, 0xff, 0xff]],
    [(0x7f << 3) | 7, [0x7f, 0x00, 0x00, 0x00, 0xff, 0xff]],
  ])('writes the sync-flush marker for packed state %i', (state, bytes) => {
    expect([...syncFlushMarker(state)]).toEqual(bytes);
  });

  it('pins the bytes of a small input', async () => {
    expect(sha256Digest(await gzip(Buffer.from('bakeline\n'), 3))).toBe(
      'sha256:dcfe0ddeb67d8996890f168fb4bcfaaf5e53c12806737a6e9a217236595768af',
    );
  });
});
