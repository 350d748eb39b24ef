import type { Digest } from './digest.ts';

/** Bytes that do not hash to the digest that names them. */
export class DigestMismatchError extends Error {
  readonly expected: Digest;
  readonly actual: Digest;
  /** What was checked, e.g. `layer blob in /tmp/layout` or `manifest from 127.0.0.1:5000/app`. */
  readonly what: string;

  constructor(what: string, expected: Digest, actual: Digest, detail?: string) {
    super(`digest mismatch: ${what}: expected ${expected}, got ${actual}${detail ? ` (${detail})` : ''}`);
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
    this.what = what;
  }
}
