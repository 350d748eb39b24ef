// Reads a response body that must be small (a manifest, an image config) into memory, refusing it
// as soon as it outgrows its bound, so a hostile or broken registry cannot fill the memory.
// 4 MiB is the bound common registries and clients put on manifests (the Distribution registry
// refuses larger manifest PUTs; ORAS caps fetched manifests at 4 MiB).
import type { Readable } from 'node:stream';

export const MAX_METADATA_BYTES = 4 * 1024 * 1024;

/** The body's bytes, at most `limit`; a longer body is cut off and refused, naming `what`. */
export async function readBoundedBody(body: Readable, limit: number, what: string): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`${what}: the body is larger than ${limit} bytes; refused`);
    }
    parts.push(buffer);
  }
  return new Uint8Array(Buffer.concat(parts));
}
