// Whether a cache entry's files are already where it would be restored: every regular file of the
// entry's listing (`tar --full-time -tv`, times in UTC) is there with the same size and the same
// modification second (what extraction would give it), and every directory exists. That is the
// quick check rsync makes by default; Maven's local repository only ever gains files. On the local
// runner the entry restores into the machine's own ~/.m2/repository, which holds it from the last
// run: extracting 400 MB over itself took 2-5 s of every build. Anything else in the listing (a
// link, a device, a name tar had to escape) answers "not in place", and the entry is extracted.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';

export interface ListedEntry {
  type: 'file' | 'dir';
  /** Relative to the entry's root, without the leading './'. */
  path: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
}

const LINE = /^([-d])[rwxsStT-]{9}\s+\S+\s+(\d+)\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\s(.+)$/;

/** Parses `TZ=UTC tar --full-time --quoting-style=escape -tvf`; undefined when an entry cannot be checked. */
export function parseTarListing(text: string): ListedEntry[] | undefined {
  const entries: ListedEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) return undefined;
    const [, kind, size, day, time, name] = match as unknown as [string, string, string, string, string, string];
    // escape quoting writes a backslash for any character it had to escape: the name is not literal
    if (name.includes('\\')) return undefined;
    const mtime = Date.parse(`${day}T${time}Z`) / 1000;
    const path = name.replace(/^\.\/?/, '').replace(/\/$/, '');
    if (Number.isNaN(mtime) || path.split('/').includes('..')) return undefined;
    entries.push({ type: kind === 'd' ? 'dir' : 'file', path, size: Number(size), mtime });
  }
  return entries;
}

/** True when every listed file is under `root` with the same size and modification second. */
export function entryInPlace(entries: readonly ListedEntry[], root: string): boolean {
  for (const entry of entries) {
    const info = (() => {
      try {
        return lstatSync(join(root, entry.path));
      } catch {
        return undefined;
      }
    })();
    if (!info) return false;
    if (entry.type === 'dir') {
      if (!info.isDirectory()) return false;
      continue;
    }
    if (!info.isFile() || info.size !== entry.size || Math.floor(info.mtimeMs / 1000) !== entry.mtime) return false;
  }
  return true;
}
