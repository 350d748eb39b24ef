// gzip whose bytes depend only on the input bytes.
//
// The input is cut into fixed 16 MiB blocks. Each block is deflated on its own by fflate (a pure-JS
// deflate at a pinned version, so the bytes never depend on Node's zlib), primed with the last
// 32 KiB of the block before as its dictionary and ended with a sync flush, as pigz does; the last
// block ends the stream. A block's bytes depend only on its input, its dictionary and whether it
// is last. Within a block fflate is fed fixed 64 KiB slices (its output depends on how input is
// chunked). The header has no mtime, no name, OS = Unix; zlib.crc32 only computes the trailer's
// checksum.
//
// The sync flush is written here, not by fflate: fflate 0.8.3's `Deflate.flush(true)` writes its
// empty stored block at a wrong bit position (it passes its packed state, partial byte and bit
// count, where a bit position past BFINAL is wanted), so the stream breaks ("invalid stored block
// lengths") whenever a block's compressed bits do not end on a byte boundary. For the same reason
// blocks are no longer handed to fflate's worker threads (AsyncDeflate), whose flush is the same
// code out of reach: compression runs in this thread, one block at a time.
import { crc32 } from 'node:zlib';
import { Deflate, type DeflateOptions } from 'fflate';

export const GZIP_LEVEL = 6;
export const GZIP_BLOCK_SIZE = 16 * 1024 * 1024;
const SLICE = 64 * 1024;
const DICTIONARY = 32 * 1024;
const HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // XFL 0 (level 6), OS 3 (Unix)

function options(dictionary: Uint8Array | undefined): DeflateOptions {
  return dictionary === undefined ? { level: GZIP_LEVEL, mem: 8 } : { level: GZIP_LEVEL, mem: 8, dictionary };
}

/** fflate's streaming state: `r` packs the last, partly written output byte (`r >> 3`) and its used bits (`r & 7`). */
interface DeflateState {
  s: { r?: number };
}

/**
 * Ends the deflate data written so far on a byte boundary with an empty, non-final stored block
 * (`00 00 FF FF` after the 3 header bits and the padding), the marker zlib's Z_SYNC_FLUSH writes.
 */
export function syncFlushMarker(packedState: number): Uint8Array {
  const bits = packedState & 7;
  const headerBytes = Math.ceil((bits + 3) / 8); // BFINAL 0, BTYPE 00, then padding to the byte
  const marker = new Uint8Array(headerBytes + 4);
  if (bits > 0) marker[0] = (packedState >> 3) & 0xff; // the partly written byte; the header bits are 0
  marker.set([0x00, 0x00, 0xff, 0xff], headerBytes);
  return marker;
}

/** Deflates one block. */
export function deflateBlockSync(block: Uint8Array, dictionary: Uint8Array | undefined, last: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  const deflate = new Deflate(options(dictionary), (chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  for (let offset = 0; offset < block.length; offset += SLICE) {
    const end = Math.min(offset + SLICE, block.length);
    deflate.push(block.subarray(offset, end), last && end === block.length);
  }
  if (last && block.length === 0) deflate.push(block, true);
  if (!last) {
    deflate.flush(false); // everything but the partly written last byte
    const state = (deflate as unknown as DeflateState).s;
    if (state.r !== undefined && typeof state.r !== 'number') throw new Error('gzip: fflate internals changed');
    out.push(syncFlushMarker(state.r ?? 0));
  }
  return out;
}

/** Streaming gzip writer: write() input in any chunking, end() once; onData receives the output in order. */
export class GzipWriter {
  readonly #onData: (chunk: Uint8Array) => Promise<void> | void;
  readonly #block = new Uint8Array(GZIP_BLOCK_SIZE);
  #length = 0;
  #dictionary: Uint8Array | undefined;
  #crc = 0;
  #size = 0;
  #started = false;
  #ended = false;

  constructor(onData: (chunk: Uint8Array) => Promise<void> | void) {
    this.#onData = onData;
  }

  async #emit(chunks: Uint8Array[]): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.#onData(HEADER);
    }
    for (const chunk of chunks) await this.#onData(chunk);
  }

  async #dispatch(last: boolean): Promise<void> {
    const block = this.#length === this.#block.length ? this.#block : this.#block.subarray(0, this.#length);
    const dictionary = this.#dictionary;
    this.#dictionary = block.length >= DICTIONARY ? block.slice(-DICTIONARY) : undefined;
    // deflated here and now (the dictionary is a copy), so the block's buffer is reused for the next
    const chunks = deflateBlockSync(block, dictionary, last);
    this.#length = 0;
    await this.#emit(chunks);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.#ended) throw new Error('gzip: write after end');
    this.#crc = crc32(data, this.#crc);
    this.#size += data.length;
    let offset = 0;
    while (offset < data.length) {
      // a full block is sent once more input shows it is not the last
      if (this.#length === this.#block.length) await this.#dispatch(false);
      const take = Math.min(this.#block.length - this.#length, data.length - offset);
      this.#block.set(data.subarray(offset, offset + take), this.#length);
      this.#length += take;
      offset += take;
    }
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#dispatch(true);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size % 2 ** 32, 4);
    await this.#onData(trailer);
  }
}

/** gzip of a whole buffer in this thread: the same bytes GzipWriter gives (for tests and small data). */
export function gzipSyncDeterministic(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [HEADER];
  let dictionary: Uint8Array | undefined;
  const blocks = Math.max(1, Math.ceil(data.length / GZIP_BLOCK_SIZE));
  for (let i = 0; i < blocks; i++) {
    const block = data.subarray(i * GZIP_BLOCK_SIZE, Math.min((i + 1) * GZIP_BLOCK_SIZE, data.length));
    parts.push(...deflateBlockSync(block, dictionary, i === blocks - 1));
    dictionary = block.length >= DICTIONARY ? block.slice(-DICTIONARY) : undefined;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}
