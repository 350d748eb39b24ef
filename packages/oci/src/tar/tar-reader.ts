// Reads the headers of an uncompressed tar that lies in a file (possibly inside another tar, at an
// offset) without reading the file data: each entry records where its data starts, so data can be
// streamed later in any order. ustar, GNU long names and PAX (path, linkpath, size, ids, mtime,
// xattrs) are understood; sparse files and multi-volume archives are refused.
import type { FileHandle } from 'node:fs/promises';
import { headerNumber, paxInteger, paxRecords, paxTime, TarFieldError } from './tar-fields.ts';
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
  } catch {
    throw new TarFieldError(`${what} is not valid UTF-8: ${JSON.stringify(Buffer.from(slice).toString('latin1'))}`);
  }
}

/** The stored checksum and both sums tar writers have used (unsigned, and signed bytes). */
function checkChecksum(block: Uint8Array): void {
  const stored = headerNumber(block.subarray(148, 156), 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarFieldError(`checksum ${stored} does not match the header (sum ${unsigned})`);
  }
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

/** Merges PAX records into `into`; an empty value unsets the key (the header's field applies again). */
function parsePax(data: Buffer, into: PaxValues): void {
  for (const { key, value } of paxRecords(data)) {
    const text = value.toString('latin1');
    if (text === '' && ['path', 'linkpath', 'size', 'uid', 'gid', 'mtime'].includes(key)) {
      delete into[key as 'path' | 'linkpath' | 'size' | 'uid' | 'gid' | 'mtime'];
      continue;
    }
    if (key === 'path') into.path = decodeText(value, 'PAX path');
    else if (key === 'linkpath') into.linkpath = decodeText(value, 'PAX linkpath');
    else if (key === 'size') into.size = paxInteger(text, key);
    else if (key === 'uid') into.uid = paxInteger(text, key);
    else if (key === 'gid') into.gid = paxInteger(text, key);
    else if (key === 'mtime') into.mtime = paxTime(text, key);
    else if (key === 'atime' || key === 'ctime')
      paxTime(text, key); // checked, not kept
    else if (key.startsWith('SCHILY.xattr.'))
      into.xattrs.push([key.slice('SCHILY.xattr.'.length), Uint8Array.from(value)]);
    else if (key.startsWith('LIBARCHIVE.xattr.')) {
      let name: string;
      try {
        name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      } catch {
        throw new TarFieldError(`PAX key ${JSON.stringify(key)} is not URI-encoded`);
      }
      into.xattrs.push([name, Uint8Array.from(Buffer.from(text, 'base64'))]);
    } else if (key.startsWith('GNU.sparse.')) throw new TarFieldError('sparse files are not supported');
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

/** The largest PAX or GNU long-name header bakeline reads (they hold names and attributes). */
const MAX_EXTENDED_HEADER = 16 * 1024 * 1024;

/**
 * Lists the entries of the tar stored in `handle` between `start` and `end` (exclusive). `what`
 * names the archive in errors, which read `<what>: tar header at byte <offset>: <problem>` (the
 * offset counted from `start`). Every numeric field is checked (tar-fields.ts) and every entry's
 * data must lie before `end`, so the walk only moves forward and ends.
 */
export async function indexTar(handle: FileHandle, start: number, end: number, what: string): Promise<TarIndexEntry[]> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new Error(`${what}: tar range ${start}..${end} is not a range of byte offsets`);
  }
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
  const truncated = (offset: number) =>
    new TarFieldError(`truncated: the archive ends at byte ${end - start}, before byte ${offset - start}`);
  const readAt = async (buffer: Buffer, length: number, offset: number) => {
    if (offset + length > end) throw truncated(offset + length);
    if (offset < windowStart || offset + length > windowStart + windowLength) {
      if (length > WINDOW) {
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        if (bytesRead !== length) throw truncated(offset + bytesRead);
        return;
      }
      const { bytesRead } = await handle.read(window, 0, Math.min(WINDOW, end - offset), offset);
      windowStart = offset;
      windowLength = bytesRead;
      if (bytesRead < length) throw truncated(offset + bytesRead);
    }
    window.copy(buffer, 0, offset - windowStart, offset - windowStart + length);
  };
  /** The data of the entry whose header is at `header`: it must end before the archive does. */
  const dataEnd = (header: number, size: number, field: string) => {
    const dataOffset = header + BLOCK;
    if (size > end - dataOffset) {
      throw new TarFieldError(
        `${field} ${size} runs past the end of the archive (truncated, or a bad ${field}: ${Math.max(0, end - dataOffset)} bytes left after the header)`,
      );
    }
    return dataOffset + size;
  };
  for (;;) {
    if (pos + BLOCK > end) break; // some writers omit the end blocks
    const header = pos;
    try {
      await readAt(block, BLOCK, pos);
      if (block.every((b) => b === 0)) break;
      checkChecksum(block);
      const flag = String.fromCharCode(block[156] ?? 0);
      const size = headerNumber(block.subarray(124, 136), 'size');
      const dataOffset = pos + BLOCK;
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        dataEnd(header, size, 'size');
        if (size > MAX_EXTENDED_HEADER) throw new TarFieldError(`extended header of ${size} bytes`);
        const data = Buffer.alloc(size);
        await readAt(data, size, dataOffset);
        if (flag === 'x') parsePax(data, pax);
        else if (flag === 'g')
          parsePax(data, { xattrs: [] }); // checked; bakeline keeps no global state
        else if (flag === 'L') longName = decodeText(data, 'GNU long name');
        else longLink = decodeText(data, 'GNU long link name');
        pos = dataOffset + size + padding(size);
        continue;
      }
      const type = TYPES[flag];
      if (type === undefined) throw new TarFieldError(`entry type ${JSON.stringify(flag)} is not supported`);
      let name = decodeText(block.subarray(0, 100), 'file name');
      const magic = block.subarray(257, 263).toString('latin1');
      if (magic === 'ustar\u0000' && block[345] !== 0) {
        name = `${decodeText(block.subarray(345, 500), 'file name prefix')}/${name}`;
      }
      const entrySize = pax.size ?? size;
      // PAX size overrides the header's; hardlinks and the like may carry one but have no data
      const next = dataEnd(header, entrySize, pax.size === undefined ? 'size' : 'PAX size');
      const entry: TarIndexEntry = {
        name: pax.path ?? longName ?? name,
        type,
        mode: headerNumber(block.subarray(100, 108), 'mode') & 0o7777,
        uid: pax.uid ?? headerNumber(block.subarray(108, 116), 'uid'),
        gid: pax.gid ?? headerNumber(block.subarray(116, 124), 'gid'),
        size: type === 'file' ? entrySize : 0,
        mtime: pax.mtime ?? headerNumber(block.subarray(136, 148), 'mtime'),
        linkname: pax.linkpath ?? longLink ?? decodeText(block.subarray(157, 257), 'link name'),
        devMajor: headerNumber(block.subarray(329, 337), 'devmajor'),
        devMinor: headerNumber(block.subarray(337, 345), 'devminor'),
        xattrs: pax.xattrs,
        dataOffset,
      };
      if (entry.type === 'file' && entry.name.endsWith('/') && flag === '\u0000') entry.type = 'dir';
      entries.push(entry);
      pos = next + padding(entrySize);
      pax = { xattrs: [] };
      longName = undefined;
      longLink = undefined;
    } catch (error: unknown) {
      const problem = error instanceof TarFieldError ? error.message : (error as Error).message;
      throw new Error(`${what}: tar header at byte ${header - start}: ${problem}`, { cause: error });
    }
  }
  return entries;
}
