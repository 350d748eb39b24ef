// gzip whose bytes depend only on the input bytes, compressed on several cores.
//
// The input is cut into fixed 16 MiB blocks. Each block is deflated on its own by fflate (a pure-JS
// deflate at a pinned version, so the bytes never depend on Node's zlib), primed with the last
// 32 KiB of the block before as its dictionary and ended with a sync flush, as pigz does; the last
// block ends the stream. A block's bytes depend only on its input, its dictionary and whether it
// is last, never on which thread compressed it or when: blocks go to worker threads (fflate's own,
// which survive bundling) when the input spans several, and a one-block input is compressed in
// this thread, with the same result. Within a block fflate is fed fixed 64 KiB slices (its output
// depends on how input is chunked). The header has no mtime, no name, OS = Unix; zlib.crc32 only
// computes the trailer's checksum.
import { availableParallelism } from 'node:os';
import { crc32 } from 'node:zlib';
import { AsyncDeflate, Deflate, type DeflateOptions } from 'fflate';

export const GZIP_LEVEL = 6;
export const GZIP_BLOCK_SIZE = 16 * 1024 * 1024;
const SLICE = 64 * 1024;
const DICTIONARY = 32 * 1024;
const HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // XFL 0 (level 6), OS 3 (Unix)

function options(dictionary: Uint8Array | undefined): DeflateOptions {
  return dictionary === undefined ? { level: GZIP_LEVEL, mem: 8 } : { level: GZIP_LEVEL, mem: 8, dictionary };
}

/** Deflates one block in this thread. */
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
  if (!last) deflate.flush(true);
  return out;
}

/**
 * Deflates one block in a worker thread, with the same bytes as deflateBlockSync. A non-last block
 * is sync-flushed, then the worker's stream is closed and that closing (final) output dropped.
 */
export function deflateBlockAsync(
  block: Uint8Array,
  dictionary: Uint8Array | undefined,
  last: boolean,
): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const out: Uint8Array[] = [];
    let closing = false;
    const deflate = new AsyncDeflate(options(dictionary?.slice()), (error, chunk, final) => {
      if (error) {
        reject(new Error(`gzip worker: ${error.message}`, { cause: error }));
        return;
      }
      if (final) {
        if (last || !closing) out.push(chunk);
        resolve(out.filter((c) => c.length > 0));
        return;
      }
      out.push(chunk);
    });
    for (let offset = 0; offset < block.length; offset += SLICE) {
      const end = Math.min(offset + SLICE, block.length);
      // a copy: the worker takes over (transfers) the buffer it is given
      deflate.push(block.slice(offset, end), last && end === block.length);
    }
    if (last && block.length === 0) deflate.push(new Uint8Array(0), true);
    if (!last) {
      deflate.flush(true);
      closing = true;
      deflate.push(new Uint8Array(0), true);
    }
  });
}

export interface GzipWriterOptions {
  /** Blocks compressed at once (default: the number of cores). Changes speed, never bytes. */
  parallelism?: number;
}

/** Streaming gzip writer: write() input in any chunking, end() once; onData receives the output in order. */
export class GzipWriter {
  readonly #onData: (chunk: Uint8Array) => Promise<void> | void;
  readonly #parallelism: number;
  #block = new Uint8Array(GZIP_BLOCK_SIZE);
  #length = 0;
  #dictionary: Uint8Array | undefined;
  #pending: Promise<Uint8Array[]>[] = [];
  #blocks = 0;
  #crc = 0;
  #size = 0;
  #started = false;
  #ended = false;

  constructor(onData: (chunk: Uint8Array) => Promise<void> | void, options: GzipWriterOptions = {}) {
    this.#onData = onData;
    this.#parallelism = Math.max(1, options.parallelism ?? availableParallelism());
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
    const only = last && this.#blocks === 0;
    this.#blocks++;
    this.#pending.push(
      only ? Promise.resolve(deflateBlockSync(block, dictionary, last)) : deflateBlockAsync(block, dictionary, last),
    );
    this.#block = new Uint8Array(GZIP_BLOCK_SIZE);
    this.#length = 0;
    while (this.#pending.length >= this.#parallelism || (last && this.#pending.length > 0)) {
      const next = this.#pending.shift();
      if (next) await this.#emit(await next);
    }
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
