// Content digests: `sha256:<64 lowercase hex>`, computed over bytes or while a stream flows.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export type Digest = `sha256:${string}`;

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/** Returns `value` as a Digest, or throws naming the value and the expected form. */
export function parseDigest(value: string, what = 'digest'): Digest {
  if (!isDigest(value)) {
    throw new Error(`${what} '${value}': expected 'sha256:' followed by 64 lowercase hex characters`);
  }
  return value;
}

/** The hex part of a digest (the blob's file name in a layout). */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A running sha256 with a byte count, fed chunk by chunk. */
export class DigestCounter {
  readonly #hash: Hash = createHash('sha256');
  #size = 0;

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  /** Finishes the hash (call once). */
  result(): { digest: Digest; size: number } {
    return { digest: `sha256:${this.#hash.digest('hex')}`, size: this.#size };
  }
}

/** Hashes a stream to its end without holding it in memory. */
export async function digestStream(stream: Readable): Promise<{ digest: Digest; size: number }> {
  const counter = new DigestCounter();
  for await (const chunk of stream) {
    counter.update(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
  }
  return counter.result();
}

/** Hashes a file with large reads. */
export function digestFile(path: string): Promise<{ digest: Digest; size: number }> {
  return digestStream(createReadStream(path, { highWaterMark: 1024 * 1024 }));
}
