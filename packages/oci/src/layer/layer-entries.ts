// Normalises tar entries into the one order and form bakeline writes: clean relative paths,
// sorted by path, the last of duplicate paths kept, modes masked, mtimes clamped, and hardlinks
// arranged so the first path of each group (in sorted order) carries the data.

import { isFileRange } from '../file-range.ts';
import type { TarEntry, TarEntryType } from '../tar/tar-entry.ts';
import type { HeaderFields } from '../tar/tar-header.ts';

export interface NormalizedEntry {
  fields: HeaderFields;
  data?: TarEntry['data'];
}

const TYPEFLAGS: Record<TarEntryType, HeaderFields['typeflag']> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

/** `./a//b/` -> `a/b`; '' for the root; throws on '..' components or NUL. */
export function cleanPath(path: string, what = 'tar entry'): string {
  if (path.includes('\u0000')) throw new Error(`${what} '${path}': NUL in path`);
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new Error(`${what} '${path}': expected a path inside the layer, without '..'`);
    parts.push(part);
  }
  return parts.join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function normalizeEntries(entries: readonly TarEntry[], sourceDateEpoch: number): NormalizedEntry[] {
  if (!Number.isInteger(sourceDateEpoch) || sourceDateEpoch < 0) {
    throw new Error(`SOURCE_DATE_EPOCH '${sourceDateEpoch}': expected a non-negative integer number of seconds`);
  }
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = cleanPath(entry.path);
    if (path === '') continue; // the root directory belongs to the image, not to a layer
    byPath.delete(path); // a later entry replaces an earlier one, as extraction would
    byPath.set(path, { ...entry, path });
  }

  // Hardlink groups: resolve chains to the file that holds the data.
  const rootOf = (path: string): string => {
    let current = path;
    for (let i = 0; i < 64; i++) {
      const entry = byPath.get(current);
      if (entry?.type !== 'hardlink' || entry.linkTarget === undefined) return current;
      current = cleanPath(entry.linkTarget, `hardlink '${entry.path}' target`);
    }
    throw new Error(`tar entry '${path}': hardlink chain too long`);
  };
  const leaderOf = new Map<string, string>();
  for (const entry of byPath.values()) {
    if (entry.type !== 'hardlink') continue;
    const root = rootOf(entry.path);
    const rootEntry = byPath.get(root);
    if (rootEntry === undefined) continue; // target outside this layer: kept as written
    if (rootEntry.type !== 'file') throw new Error(`hardlink '${entry.path}': target '${root}' is not a regular file`);
    const leader = leaderOf.get(root);
    const candidate = leader === undefined || compare(entry.path, leader) < 0 ? entry.path : leader;
    leaderOf.set(root, compare(root, candidate) < 0 ? root : candidate);
  }

  const sorted = [...byPath.values()].sort((a, b) => compare(a.path, b.path));
  return sorted.map((entry) => {
    let source = entry;
    let linkTarget = entry.linkTarget ?? '';
    let type = entry.type;
    const root = entry.type === 'hardlink' ? rootOf(entry.path) : entry.path;
    const leader = leaderOf.get(root);
    if (leader !== undefined) {
      source = byPath.get(root) ?? entry; // the group's metadata and data are the root file's
      type = entry.path === leader ? 'file' : 'hardlink';
      linkTarget = entry.path === leader ? '' : leader;
    } else if (entry.type === 'hardlink') {
      linkTarget = cleanPath(linkTarget, `hardlink '${entry.path}' target`);
    }
    const data = type === 'file' ? source.data : undefined;
    let size = 0;
    if (type === 'file') {
      if (data instanceof Uint8Array) size = data.length;
      else if (isFileRange(data)) size = data.length;
      else if (data !== undefined) {
        if (source.size === undefined || !Number.isSafeInteger(source.size) || source.size < 0) {
          throw new Error(`tar entry '${entry.path}': a streamed file needs its size`);
        }
        size = source.size;
      } else size = 0;
    }
    if ((type === 'symlink' || type === 'hardlink') && linkTarget === '') {
      throw new Error(`tar entry '${entry.path}': a ${type} needs a linkTarget`);
    }
    const mtime = Math.max(0, Math.min(Math.floor(source.mtime ?? sourceDateEpoch), sourceDateEpoch));
    // a hardlink shares its file's inode: the xattrs travel with the file only
    const xattrs = type === 'hardlink' ? [] : Object.entries(source.xattrs ?? {}).sort(([a], [b]) => compare(a, b));
    const normalized: NormalizedEntry = {
      fields: {
        path: entry.path,
        typeflag: TYPEFLAGS[type],
        mode: source.mode & 0o7777,
        uid: source.uid ?? 0,
        gid: source.gid ?? 0,
        size,
        mtime,
        linkname: type === 'symlink' || type === 'hardlink' ? linkTarget : '',
        devMajor: type === 'char' || type === 'block' ? (source.devMajor ?? 0) : 0,
        devMinor: type === 'char' || type === 'block' ? (source.devMinor ?? 0) : 0,
        xattrs,
      },
    };
    if (data !== undefined) normalized.data = data;
    return normalized;
  });
}
