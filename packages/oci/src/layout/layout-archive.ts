// An OCI layout as one tar file (for upload-artifact and hand-over between jobs), and back.
// Packing is deterministic (sorted, fixed modes and mtimes); unpacking accepts only plain files and
// directories at clean relative paths, so a crafted archive cannot write outside the directory.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileRange } from '../file-range.ts';
import { cleanPath, normalizeEntries } from '../layer/layer-entries.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { indexTar } from '../tar/tar-reader.ts';
import { BlockSink, writeTarEntries } from '../tar/tar-writer.ts';

async function layoutEntries(root: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const walk = async (dir: string) => {
    for (const dirent of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, dirent.name);
      const path = relative(root, full).split(sep).join('/');
      if (dirent.name.startsWith('.tmp-') || dirent.name.startsWith('.layer-')) continue; // writers' temp files
      if (dirent.isDirectory()) {
        entries.push({ path, type: 'dir', mode: 0o755 });
        await walk(full);
      } else if (dirent.isFile()) {
        const { size } = await lstat(full);
        entries.push({
          path,
          type: 'file',
          mode: 0o644,
          size,
          data: fileRange(full, 0, size),
        });
      } else {
        throw new Error(`pack OCI layout '${root}': '${path}' is neither a file nor a directory`);
      }
    }
  };
  await walk(root);
  return entries;
}

/** Writes a deterministic (sorted, mtime 0, modes 0644/0755, uid/gid 0) tar of the layout directory. */
export async function packLayout(layoutDir: string, tarPath: string): Promise<void> {
  const entries = normalizeEntries(await layoutEntries(layoutDir), 0);
  const temp = `${tarPath}.tmp-${process.pid}`;
  const handle = await open(temp, 'w');
  try {
    await writeTarEntries(
      entries,
      new BlockSink(async (block) => {
        await handle.write(block);
      }),
    );
    await handle.close();
    await rename(temp, tarPath);
  } catch (error: unknown) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw new Error(`pack OCI layout '${layoutDir}' into '${tarPath}': ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Extracts a layout tar into `layoutDir` (created; must be absent or empty). Refuses absolute paths,
 * '..', links, devices and anything but files and directories, before writing anything.
 */
export async function unpackLayout(tarPath: string, layoutDir: string): Promise<void> {
  const handle = await open(tarPath, 'r');
  try {
    const { size } = await handle.stat();
    const entries = await indexTar(handle, 0, size, `'${tarPath}'`);
    const planned: { path: string; type: 'file' | 'dir'; offset: number; size: number }[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('/')) {
        throw new Error(`unpack OCI layout '${tarPath}': entry '${entry.name}' has an absolute path`);
      }
      const path = cleanPath(entry.name, `unpack OCI layout '${tarPath}': entry`);
      if (entry.type !== 'file' && entry.type !== 'dir') {
        throw new Error(
          `unpack OCI layout '${tarPath}': entry '${entry.name}' is a ${entry.type}; only files and directories are accepted`,
        );
      }
      if (path !== '') planned.push({ path, type: entry.type, offset: entry.dataOffset, size: entry.size });
    }
    await mkdir(layoutDir, { recursive: true });
    if ((await readdir(layoutDir)).length > 0) {
      throw new Error(`unpack OCI layout '${tarPath}': target directory '${layoutDir}' is not empty`);
    }
    for (const item of planned) {
      const target = join(layoutDir, ...item.path.split('/'));
      if (item.type === 'dir') {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      if (item.size === 0) {
        await (await open(target, 'w')).close();
        continue;
      }
      await pipeline(
        createReadStream(tarPath, { start: item.offset, end: item.offset + item.size - 1, highWaterMark: 1024 * 1024 }),
        createWriteStream(target, { flags: 'wx' }),
      );
    }
  } finally {
    await handle.close();
  }
}
