// Docker-Content-Digest: the digest a registry says it stored or served. Optional in the
// distribution spec, so an answer without it passes; one that names another digest is refused.
import { type Digest, isDigest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';

export interface HeaderSource {
  headers: { get(name: string): string | null };
}

/** The header's digest, when it is one; undefined when absent or not a digest. */
export function contentDigest(response: HeaderSource): Digest | undefined {
  const header = response.headers.get('docker-content-digest');
  return isDigest(header) ? header : undefined;
}

/** Throws DigestMismatchError when the header is present and is not `expected`. */
export function checkDigestHeader(response: HeaderSource, expected: Digest, what: string): void {
  const header = response.headers.get('docker-content-digest');
  if (header !== null && header !== expected) {
    throw new DigestMismatchError(`${what}: the registry's Docker-Content-Digest`, expected, header as Digest);
  }
}
