// Random access to the members of an uncompressed tar file (a `docker save` archive): lookup by
// path with symlinks and hardlinks inside the archive resolved, small members read whole.
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { cleanPath } from '../layer/layer-entries.ts';
import { indexTar, type TarIndexEntry } from './tar-reader.ts';

export class TarArchiveFile {
  readonly path: string;
  readonly handle: FileHandle;
  readonly #entries: Map<string, TarIndexEntry>;

  private constructor(path: string, handle: FileHandle, entries: Map<string, TarIndexEntry>) {
    this.path = path;
    this.handle = handle;
    this.#entries = entries;
  }

  static async open(path: string, handle: FileHandle, what: string): Promise<TarArchiveFile> {
    const size = (await handle.stat()).size;
    const entries = new Map<string, TarIndexEntry>();
    for (const entry of await indexTar(handle, 0, size, what)) {
      const name = cleanPath(entry.name, `${what}: entry`);
      if (name !== '') entries.set(name, entry);
    }
    return new TarArchiveFile(path, handle, entries);
  }

  has(name: string): boolean {
    return this.#entries.has(cleanPath(name));
  }

  /** The regular file at `name`, following symlinks (relative to their directory) and hardlinks. */
  resolve(name: string): TarIndexEntry & { resolvedName: string } {
    let current = cleanPath(name, `'${this.path}': member`);
    for (let hop = 0; hop < 16; hop++) {
      const entry = this.#entries.get(current);
      if (entry === undefined) throw new Error(`'${this.path}': no member '${name}'`);
      if (entry.type === 'file') return { ...entry, resolvedName: current };
      if (entry.type === 'symlink') {
        const target = entry.linkname.startsWith('/')
          ? entry.linkname
          : posix.join(posix.dirname(current), entry.linkname);
        current = cleanPath(target, `'${this.path}': symlink '${current}'`);
      } else if (entry.type === 'hardlink') {
        current = cleanPath(entry.linkname, `'${this.path}': hardlink '${current}'`);
      } else {
        throw new Error(`'${this.path}': member '${name}' is a ${entry.type}, expected a file`);
      }
    }
    throw new Error(`'${this.path}': member '${name}': too many links`);
  }

  async read(name: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    const entry = this.resolve(name);
    if (entry.size > maxBytes)
      throw new Error(`'${this.path}': member '${name}' is ${entry.size} bytes, over ${maxBytes}`);
    const buffer = Buffer.alloc(entry.size);
    const { bytesRead } = await this.handle.read(buffer, 0, entry.size, entry.dataOffset);
    if (bytesRead !== entry.size) throw new Error(`'${this.path}': member '${name}' is truncated`);
    return buffer;
  }
}
