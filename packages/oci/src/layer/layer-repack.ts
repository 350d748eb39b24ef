// Re-packs an uncompressed layer tar (a file, or a range of one, e.g. inside a `docker save`
// archive) deterministically: entries are indexed without reading their data, sorted, and the data
// streamed from the source by offset. Owners, modes, xattrs and device numbers are kept (they
// are part of what the layer means); user/group names and atime/ctime are dropped, mtimes clamped
// to SOURCE_DATE_EPOCH, or all set to it (`mtimes: 'epoch'`, for layers a build made).
import { type FileHandle, open } from 'node:fs/promises';
import type { TarEntry } from '../tar/tar-entry.ts';
import { indexTar } from '../tar/tar-reader.ts';
import {
  type DeterministicLayer,
  type DeterministicLayerOptions,
  writeDeterministicLayer,
} from './deterministic-layer.ts';

const READ_SIZE = 1024 * 1024;

export interface RepackOptions {
  sourceDateEpoch: number;
  /**
   * 'clamp' (default) keeps an mtime older than the epoch, so a layer of the base re-packs to the
   * same bytes at any later epoch. 'epoch' sets every mtime to the epoch, as Jib and ko do: for a
   * layer a build made, whose mtimes say when (or on which cached build) a file was written,
   * not what the image is.
   */
  mtimes?: 'clamp' | 'epoch';
  directory?: string;
  /** Byte range of the tar inside `path` (default: the whole file). */
  start?: number;
  end?: number;
  onProgress?: (bytes: number) => void;
}

export interface RepackedLayer extends DeterministicLayer {
  /**
   * The newest mtime in the source: with SOURCE_DATE_EPOCH at or above it, a clamped output does
   * not depend on the epoch (an 'epoch' output always does).
   */
  sourceMaxMtime: number;
}

export async function repackLayerTar(path: string, options: RepackOptions): Promise<RepackedLayer> {
  const handle = await open(path, 'r');
  try {
    const start = options.start ?? 0;
    const end = options.end ?? (await handle.stat()).size;
    const what = `layer '${path}'${options.start === undefined ? '' : ` at ${start}`}`;
    const index = await indexTar(handle, start, end, what);
    const reader = new RangeReader(handle);
    const entries: TarEntry[] = index.map((item) => {
      const entry: TarEntry = {
        path: item.name,
        type: item.type,
        mode: item.mode,
        mtime: options.mtimes === 'epoch' ? options.sourceDateEpoch : item.mtime,
        uid: item.uid,
        gid: item.gid,
      };
      if (item.linkname !== '') entry.linkTarget = item.linkname;
      if (item.type === 'char' || item.type === 'block') {
        entry.devMajor = item.devMajor;
        entry.devMinor = item.devMinor;
      }
      if (item.xattrs.length > 0) entry.xattrs = Object.fromEntries(item.xattrs);
      if (item.type === 'file' && item.size > 0) {
        entry.size = item.size;
        entry.data = () => reader.range(item.dataOffset, item.size);
      }
      return entry;
    });
    const layerOptions: DeterministicLayerOptions = { sourceDateEpoch: options.sourceDateEpoch };
    if (options.directory !== undefined) layerOptions.directory = options.directory;
    if (options.onProgress !== undefined) layerOptions.onProgress = options.onProgress;
    // the entries' own errors (a hardlink to a directory) name the archive they came from too
    const layer = await writeDeterministicLayer(entries, layerOptions).catch((error: unknown) => {
      throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    return { ...layer, sourceMaxMtime: index.reduce((max, item) => Math.max(max, item.mtime), 0) };
  } finally {
    await handle.close();
  }
}

/**
 * Reads byte ranges of one file. Small ranges are served from a 1 MiB window (the files of a layer
 * sit close together, and sorted order mostly follows file order), large ones stream in 1 MiB reads.
 * A yielded chunk is valid until the next read.
 */
class RangeReader {
  readonly #handle: FileHandle;
  readonly #window = Buffer.allocUnsafe(READ_SIZE);
  #windowStart = 0;
  #windowLength = 0;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async *range(offset: number, size: number): AsyncGenerator<Uint8Array> {
    if (size <= READ_SIZE) {
      if (offset < this.#windowStart || offset + size > this.#windowStart + this.#windowLength) {
        const { bytesRead } = await this.#handle.read(this.#window, 0, READ_SIZE, offset);
        this.#windowStart = offset;
        this.#windowLength = bytesRead;
        if (bytesRead < size) throw new Error(`unexpected end of file at byte ${offset + bytesRead}`);
      }
      yield this.#window.subarray(offset - this.#windowStart, offset - this.#windowStart + size);
      return;
    }
    let position = offset;
    let left = size;
    while (left > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, left));
      const { bytesRead } = await this.#handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position}`);
      position += bytesRead;
      left -= bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }
}
