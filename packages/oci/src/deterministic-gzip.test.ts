import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeterministicGzip } from './deterministic-gzip.ts';
import { sha256Digest } from './digest.ts';

function gzip(data: Uint8Array, pushSize: number): Buffer {
  const out: Uint8Array[] = [];
  const gz = new DeterministicGzip((c) => out.push(c));
  for (let i = 0; i < data.length; i += pushSize) gz.push(data.subarray(i, i + pushSize));
  gz.finish();
  return Buffer.concat(out);
}

describe('DeterministicGzip', () => {
  const data = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 7919) % 251));

  it('gives the same bytes however the input is chunked', () => {
    const reference = gzip(data, 1 << 20);
    for (const size of [1, 999, 65_536, 65_537, 200_000]) {
      expect(sha256Digest(gzip(data, size))).toBe(sha256Digest(reference));
    }
  });

  it('produces a gzip that zlib inflates to the input', () => {
    expect(gunzipSync(gzip(data, 4096)).equals(data)).toBe(true);
    expect(gunzipSync(gzip(Buffer.alloc(0), 1)).length).toBe(0);
  });

  it('pins the bytes of a small input', () => {
    expect(sha256Digest(gzip(Buffer.from('bakeline\n'), 3))).toBe(
      'sha256:dcfe0ddeb67d8996890f168fb4bcfaaf5e53c12806737a6e9a217236595768af',
    );
  });
});
