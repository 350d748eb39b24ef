// One entry of a layer tar, as the deterministic tar writer takes it.
import type { Readable } from 'node:stream';
import type { FileRange } from '../file-range.ts';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** Relative path inside the layer, '/'-separated, without a leading '/' or './' (they are stripped). */
  path: string;
  type: TarEntryType;
  /** Permission bits (masked with 0o7777). */
  mode: number;
  /**
   * Bytes of a file, a range of a file on disk (read straight into the writer's buffer: the
   * fastest for large files), or a factory for a stream of them (opened when the entry is written).
   */
  data?: Uint8Array | FileRange | (() => Readable | AsyncIterable<Uint8Array>);
  /** Size of a streamed file (required with a factory). */
  size?: number;
  /** Target of a symlink, or the path (in the layer) of the file a hardlink names. */
  linkTarget?: string;
  /** Seconds since the epoch; clamped to SOURCE_DATE_EPOCH (default: SOURCE_DATE_EPOCH). */
  mtime?: number;
  /** Owner; default 0. */
  uid?: number;
  gid?: number;
  /** Device numbers of char/block devices. */
  devMajor?: number;
  devMinor?: number;
  /** Extended attributes (PAX `SCHILY.xattr.<name>`), e.g. `security.capability`. */
  xattrs?: Record<string, Uint8Array>;
}
