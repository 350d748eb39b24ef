// The entries of a root filesystem directory, as tar entries for a deterministic layer: files
// (streamed when written), directories, symlinks, and hard links (the first path of an inode,
// in sorted order, holds the bytes; the others link to it). Owners and modes are kept (a base
// image has files owned by other users, setuid programs); device nodes, fifos and sockets are
// left out (the runtime provides /dev).
import { createReadStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { TarEntry } from '@bakeline/oci';

export function rootfsEntries(rootfs: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const byInode = new Map<string, TarEntry[]>();
  const walk = (relative: string): void => {
    const absolute = relative === '' ? rootfs : join(rootfs, relative);
    for (const name of readdirSync(absolute)) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const full = join(rootfs, path);
      const stat = lstatSync(full);
      const common = {
        path,
        mode: stat.mode & 0o7777,
        mtime: Math.floor(stat.mtimeMs / 1000),
        uid: stat.uid,
        gid: stat.gid,
      };
      if (stat.isDirectory()) {
        entries.push({ ...common, type: 'dir' });
        walk(path);
      } else if (stat.isSymbolicLink()) {
        entries.push({ ...common, type: 'symlink', linkTarget: readlinkSync(full) });
      } else if (stat.isFile()) {
        const entry: TarEntry = { ...common, type: 'file', size: stat.size, data: () => createReadStream(full) };
        entries.push(entry);
        if (stat.nlink > 1) {
          const key = `${stat.dev}:${stat.ino}`;
          byInode.set(key, [...(byInode.get(key) ?? []), entry]);
        }
      }
    }
  };
  walk('');
  for (const group of byInode.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const [first, ...rest] = group;
    for (const link of rest) {
      link.type = 'hardlink';
      link.linkTarget = first?.path ?? '';
      delete link.data;
      delete link.size;
    }
  }
  return entries;
}
