// gzip whose bytes depend only on the input bytes: fflate's pure-JS deflate (pinned version),
// fed in fixed 64 KiB slices (fflate's output depends on how input is chunked), with a header
// that carries no mtime, no file name and OS = Unix. Node's zlib is never involved, so the bytes
// do not change with the Node version.
import { Gzip } from 'fflate';

export const GZIP_LEVEL = 6;
const SLICE = 64 * 1024;

export class DeterministicGzip {
  readonly #gzip: Gzip;
  readonly #pending = new Uint8Array(SLICE);
  #pendingLength = 0;
  #finished = false;

  /** `onData` receives compressed bytes synchronously, in order. */
  constructor(onData: (chunk: Uint8Array) => void, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = GZIP_LEVEL) {
    this.#gzip = new Gzip({ level, mem: 8, mtime: 0 }, (chunk) => {
      if (chunk.length > 0) onData(chunk);
    });
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
      this.#gzip.push(this.#pending.slice(), false);
      this.#pendingLength = 0;
    }
    while (data.length - offset >= SLICE) {
      this.#gzip.push(data.subarray(offset, offset + SLICE), false);
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
    this.#gzip.push(this.#pending.slice(0, this.#pendingLength), true);
  }
}
