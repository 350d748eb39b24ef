// Reads the headers of an uncompressed tar that lies in a file (possibly inside another tar, at an
// offset) without reading the file data: each entry records where its data starts, so data can be
// streamed later in any order. ustar, GNU long names and PAX (path, linkpath, size, ids, mtime,
// xattrs) are understood; sparse files and multi-volume archives are refused.
import type { FileHandle } from 'node:fs/promises';
import { BLOCK, padding } from './tar-header.ts';

export type TarIndexType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarIndexEntry {
  /** As stored, without normalisation (may start with './' or end with '/'). */
  name: string;
  type: TarIndexType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devMajor: number;
  devMinor: number;
  xattrs: [string, Uint8Array][];
  /** Absolute offset of the data in the file. */
  dataOffset: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const WINDOW = 64 * 1024;

function decodeText(bytes: Uint8Array, what: string): string {
  const end = bytes.indexOf(0);
  const slice = end === -1 ? bytes : bytes.subarray(0, end);
  try {
    return utf8.decode(slice);
  } catch (error: unknown) {
    throw new Error(`tar: ${what} is not valid UTF-8: ${Buffer.from(slice).toString('latin1')}`, { cause: error });
  }
}

function decodeNumber(bytes: Uint8Array, what: string): number {
  const first = bytes[0] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian, first byte's top bit is the marker
    let value = first & 0x3f;
    if (first & 0x40) throw new Error(`tar: negative ${what}`);
    for (let i = 1; i < bytes.length; i++) value = value * 256 + (bytes[i] ?? 0);
    return value;
  }
  const text = Buffer.from(bytes)
    .toString('ascii')
    .replace(/[\0 ]+$/g, '')
    .replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: ${what} '${text}' is not an octal number`);
  return Number.parseInt(text, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = decodeNumber(block.subarray(148, 156), 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

interface PaxValues {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs: [string, Uint8Array][];
}

function parsePax(data: Buffer, into: PaxValues): void {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length) {
      throw new Error('tar: malformed PAX record');
    }
    const record = data.subarray(space + 1, pos + length - 1);
    const eq = record.indexOf(0x3d);
    const key = record.subarray(0, eq).toString('utf8');
    const value = record.subarray(eq + 1);
    pos += length;
    if (key === 'path') into.path = value.toString('utf8');
    else if (key === 'linkpath') into.linkpath = value.toString('utf8');
    else if (key === 'size') into.size = Number(value.toString('ascii'));
    else if (key === 'uid') into.uid = Number(value.toString('ascii'));
    else if (key === 'gid') into.gid = Number(value.toString('ascii'));
    else if (key === 'mtime') into.mtime = Math.floor(Number(value.toString('ascii')));
    else if (key.startsWith('SCHILY.xattr.'))
      into.xattrs.push([key.slice('SCHILY.xattr.'.length), Uint8Array.from(value)]);
    else if (key.startsWith('LIBARCHIVE.xattr.')) {
      into.xattrs.push([
        decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length)),
        Uint8Array.from(Buffer.from(value.toString('ascii'), 'base64')),
      ]);
    } else if (key.startsWith('GNU.sparse.')) throw new Error('tar: sparse files are not supported');
  }
}

const TYPES: Record<string, TarIndexType> = {
  '0': 'file',
  '\u0000': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/**
 * Lists the entries of the tar stored in `handle` between `start` and `end` (exclusive). `what`
 * names the archive in errors.
 */
export async function indexTar(handle: FileHandle, start: number, end: number, what: string): Promise<TarIndexEntry[]> {
  const entries: TarIndexEntry[] = [];
  const block = Buffer.alloc(BLOCK);
  let pos = start;
  let pax: PaxValues = { xattrs: [] };
  let longName: string | undefined;
  let longLink: string | undefined;
  // Headers of small files lie close together: read a window at a time and serve them from it.
  const window = Buffer.alloc(WINDOW);
  let windowStart = 0;
  let windowLength = 0;
  const readAt = async (buffer: Buffer, length: number, offset: number) => {
    if (offset + length > end) throw new Error(`tar ${what}: truncated at byte ${offset - start}`);
    if (offset < windowStart || offset + length > windowStart + windowLength) {
      if (length > WINDOW) {
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        if (bytesRead !== length) throw new Error(`tar ${what}: truncated at byte ${offset - start}`);
        return;
      }
      const { bytesRead } = await handle.read(window, 0, Math.min(WINDOW, end - offset), offset);
      windowStart = offset;
      windowLength = bytesRead;
      if (bytesRead < length) throw new Error(`tar ${what}: truncated at byte ${offset - start}`);
    }
    window.copy(buffer, 0, offset - windowStart, offset - windowStart + length);
  };
  try {
    for (;;) {
      if (pos + BLOCK > end) break; // some writers omit the end blocks
      await readAt(block, BLOCK, pos);
      if (block.every((b) => b === 0)) break;
      if (!checksumOk(block)) throw new Error(`tar ${what}: bad header checksum at byte ${pos - start}`);
      const flag = String.fromCharCode(block[156] ?? 0);
      const size = decodeNumber(block.subarray(124, 136), 'size');
      const dataOffset = pos + BLOCK;
      const next = dataOffset + size + padding(size);
      if (dataOffset + size > end) throw new Error(`tar ${what}: truncated at byte ${pos - start}`);
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > 16 * 1024 * 1024) throw new Error(`tar ${what}: extended header of ${size} bytes`);
        const data = Buffer.alloc(size);
        await readAt(data, size, dataOffset);
        if (flag === 'x') parsePax(data, pax);
        else if (flag === 'L') longName = decodeText(data, 'GNU long name');
        else if (flag === 'K') longLink = decodeText(data, 'GNU long link name');
        // 'g' (global) headers carry no per-file state that bakeline keeps
        pos = next;
        continue;
      }
      const type = TYPES[flag];
      if (type === undefined) {
        throw new Error(`tar ${what}: entry type '${flag}' at byte ${pos - start} is not supported`);
      }
      let name = decodeText(block.subarray(0, 100), 'file name');
      const magic = block.subarray(257, 263).toString('latin1');
      if (magic === 'ustar\u0000' && block[345] !== 0) {
        name = `${decodeText(block.subarray(345, 500), 'file name prefix')}/${name}`;
      }
      const entrySize = pax.size ?? size;
      if (dataOffset + entrySize > end)
        throw new Error(`tar ${what}: truncated in the data of entry at byte ${pos - start}`);
      const entry: TarIndexEntry = {
        name: pax.path ?? longName ?? name,
        type,
        mode: decodeNumber(block.subarray(100, 108), 'mode') & 0o7777,
        uid: pax.uid ?? decodeNumber(block.subarray(108, 116), 'uid'),
        gid: pax.gid ?? decodeNumber(block.subarray(116, 124), 'gid'),
        size: type === 'file' ? entrySize : 0,
        mtime: pax.mtime ?? decodeNumber(block.subarray(136, 148), 'mtime'),
        linkname: pax.linkpath ?? longLink ?? decodeText(block.subarray(157, 257), 'link name'),
        devMajor: decodeNumber(block.subarray(329, 337), 'devmajor'),
        devMinor: decodeNumber(block.subarray(337, 345), 'devminor'),
        xattrs: pax.xattrs,
        dataOffset,
      };
      if (entry.type === 'file' && entry.name.endsWith('/') && flag === '\u0000') entry.type = 'dir';
      entries.push(entry);
      pos = dataOffset + entrySize + padding(entrySize);
      pax = { xattrs: [] };
      longName = undefined;
      longLink = undefined;
    }
  } catch (error: unknown) {
    if (error instanceof Error && error.message.startsWith('tar ')) throw error;
    throw new Error(`tar ${what}: ${(error as Error).message}`, { cause: error });
  }
  return entries;
}
