// gzip whose bytes depend only on the input bytes: fflate's pure-JS deflate (pinned version),
// fed in fixed 64 KiB slices (fflate's output depends on how input is chunked), framed with a
// header that carries no mtime, no file name and OS = Unix. Node's zlib never compresses, so the
// bytes do not change with the Node version; zlib.crc32 only computes the trailer's checksum
// (a fixed function, and much faster than a JS one).
import { crc32 } from 'node:zlib';
import { Deflate } from 'fflate';

export const GZIP_LEVEL = 6;
const SLICE = 64 * 1024;
type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

function header(level: Level): Uint8Array {
  // magic, CM=deflate, FLG=0, MTIME=0, XFL (as fflate sets it), OS=3 (Unix)
  return Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level < 2 ? 4 : level === 9 ? 2 : 0, 3]);
}

export class DeterministicGzip {
  readonly #deflate: Deflate;
  readonly #onData: (chunk: Uint8Array) => void;
  readonly #pending = new Uint8Array(SLICE);
  #pendingLength = 0;
  #crc = 0;
  #size = 0;
  #finished = false;

  /** `onData` receives compressed bytes synchronously, in order. */
  constructor(onData: (chunk: Uint8Array) => void, level: Level = GZIP_LEVEL) {
    this.#onData = onData;
    onData(header(level));
    this.#deflate = new Deflate({ level, mem: 8 }, (chunk) => {
      if (chunk.length > 0) onData(chunk);
    });
  }

  #slice(slice: Uint8Array, final: boolean): void {
    this.#crc = crc32(slice, this.#crc);
    this.#size += slice.length;
    this.#deflate.push(slice, final);
  }

  push(data: Uint8Array): void {
    if (this.#finished) throw new Error('gzip: push after finish');
    let offset = 0;
    if (this.#pendingLength > 0) {
      const take = Math.min(SLICE - this.#pendingLength, data.length);
      this.#pending.set(data.subarray(0, take), this.#pendingLength);
      this.#pendingLength += take;
      offset = take;
      if (this.#pendingLength < SLICE) return;
      this.#slice(this.#pending.slice(), false);
      this.#pendingLength = 0;
    }
    while (data.length - offset >= SLICE) {
      this.#slice(data.subarray(offset, offset + SLICE), false);
      offset += SLICE;
    }
    if (offset < data.length) {
      this.#pending.set(data.subarray(offset), 0);
      this.#pendingLength = data.length - offset;
    }
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#slice(this.#pending.slice(0, this.#pendingLength), true);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size % 2 ** 32, 4);
    this.#onData(trailer);
  }
}
