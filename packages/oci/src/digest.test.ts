import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { digestStream, parseDigest, sha256Digest } from './digest.ts';

describe('digests', () => {
  it('hashes bytes and strings alike', () => {
    expect(sha256Digest('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Digest(Buffer.from('abc'))).toBe(sha256Digest('abc'));
  });

  it('hashes a stream chunk by chunk with its size', async () => {
    const chunks = ['a', 'b', 'c'].map((c) => Buffer.from(c));
    expect(await digestStream(Readable.from(chunks))).toEqual({ digest: sha256Digest('abc'), size: 3 });
  });

  it.each(['sha256:abc', `sha256:${'A'.repeat(64)}`, `sha512:${'a'.repeat(64)}`, 'a'.repeat(64), ''])(
    'rejects %j naming it',
    (value) => {
      expect(() => parseDigest(value)).toThrow(`digest '${value}': expected 'sha256:' followed by 64 lowercase hex`);
    },
  );
});
