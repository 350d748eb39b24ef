// Serialises normalised entries as a tar stream into a block sink: headers from tar-header.ts,
// file data streamed from each entry's source and checked against its declared size. A file range
// is read straight into the sink's block (no buffer per read, no copy).
import { open } from 'node:fs/promises';
import { type FileRange, fileRangeEnded, isFileRange } from '../file-range.ts';
import type { NormalizedEntry } from '../layer/layer-entries.ts';
import { END_OF_ARCHIVE, encodeHeader, padding } from './tar-header.ts';

/** Collects bytes into fixed 1 MiB blocks and hands each full block to `flush` (which must not keep it). */
export class BlockSink {
  readonly #buffer = Buffer.allocUnsafe(1024 * 1024);
  #length = 0;
  readonly #flush: (block: Uint8Array) => Promise<void> | void;
  total = 0;

  constructor(flush: (block: Uint8Array) => Promise<void> | void) {
    this.#flush = flush;
  }

  async write(data: Uint8Array): Promise<void> {
    this.total += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(this.#buffer.length - this.#length, data.length - offset);
      this.#buffer.set(data.subarray(offset, offset + take), this.#length);
      this.#length += take;
      offset += take;
      if (this.#length === this.#buffer.length) {
        await this.#flush(this.#buffer);
        this.#length = 0;
      }
    }
  }

  /** Reads the range into the block, flushing each time it is full. */
  async writeFileRange(range: FileRange): Promise<void> {
    const handle = await open(range.path, 'r');
    try {
      for (let done = 0; done < range.length; ) {
        const want = Math.min(this.#buffer.length - this.#length, range.length - done);
        const { bytesRead } = await handle.read(this.#buffer, this.#length, want, range.start + done);
        if (bytesRead === 0) throw fileRangeEnded(range, range.start + done);
        range.observe?.(this.#buffer.subarray(this.#length, this.#length + bytesRead));
        this.#length += bytesRead;
        this.total += bytesRead;
        done += bytesRead;
        if (this.#length === this.#buffer.length) {
          await this.#flush(this.#buffer);
          this.#length = 0;
        }
      }
    } finally {
      await handle.close();
    }
  }

  async end(): Promise<void> {
    if (this.#length > 0) await this.#flush(this.#buffer.subarray(0, this.#length));
    this.#length = 0;
  }
}

export async function writeTarEntries(entries: readonly NormalizedEntry[], sink: BlockSink): Promise<void> {
  for (const entry of entries) {
    const { fields } = entry;
    await sink.write(encodeHeader(fields));
    if (fields.typeflag !== '0' || fields.size === 0) continue;
    let written = 0;
    const data = entry.data;
    if (data instanceof Uint8Array) {
      await sink.write(data);
      written = data.length;
    } else if (isFileRange(data)) {
      await sink.writeFileRange(data);
      written = data.length;
    } else if (data !== undefined) {
      for await (const chunk of data()) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
        written += bytes.length;
        if (written > fields.size) break;
        await sink.write(bytes);
      }
    }
    if (written !== fields.size) {
      throw new Error(`tar entry '${fields.path}': declared ${fields.size} bytes, its data had ${written}`);
    }
    await sink.write(Buffer.alloc(padding(fields.size)));
  }
  await sink.write(END_OF_ARCHIVE);
  await sink.end();
}
