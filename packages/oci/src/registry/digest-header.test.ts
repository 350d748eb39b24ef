import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import { checkDigestHeader, contentDigest } from './digest-header.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const answer = (value?: string) => ({
  headers: { get: (name: string) => (name === 'docker-content-digest' ? (value ?? null) : null) },
});

describe('Docker-Content-Digest', () => {
  it('reads a digest, and nothing from an absent or malformed header', () => {
    expect(contentDigest(answer(digest('a')))).toBe(digest('a'));
    expect(contentDigest(answer())).toBeUndefined();
    expect(contentDigest(answer('sha256:xyz'))).toBeUndefined();
  });

  it('passes the expected digest and an absent header, and refuses another digest naming both', () => {
    expect(() => checkDigestHeader(answer(digest('a')), digest('a'), 'blob')).not.toThrow();
    expect(() => checkDigestHeader(answer(), digest('a'), 'blob')).not.toThrow();
    const check = () => checkDigestHeader(answer(digest('b')), digest('a'), 'blob x');
    expect(check).toThrow(DigestMismatchError);
    expect(check).toThrow(`blob x: the registry's Docker-Content-Digest: expected ${digest('a')}, got ${digest('b')}`);
  });
});
