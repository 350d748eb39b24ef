// Re-packed layers kept by the digest of their source tar: when every mtime of the source is at or
// below SOURCE_DATE_EPOCH, the re-packed bytes do not depend on the epoch, so a base layer is
// compressed once per machine rather than on every build.
import { copyFile, link, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, digestFile, digestHex, isDigest } from './digest.ts';

/** Bump when the tar writer or gzip change their bytes. */
const FORMAT = 'v2';

export interface CachedLayer {
  source: Digest;
  sourceMaxMtime: number;
  compressed: { digest: Digest; size: number };
  diffId: Digest;
  uncompressedSize: number;
}

export class LayerCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  #meta(source: Digest): string {
    return join(this.dir, `${FORMAT}-${digestHex(source)}.json`);
  }

  #blob(digest: Digest): string {
    return join(this.dir, `${FORMAT}-${digestHex(digest)}.tar.gz`);
  }

  /** A cached layer usable at this epoch, copied (or linked) to `target`; undefined when absent or unusable. */
  async take(source: Digest, sourceDateEpoch: number, target: string): Promise<CachedLayer | undefined> {
    let meta: CachedLayer;
    try {
      meta = JSON.parse(await readFile(this.#meta(source), 'utf8')) as CachedLayer;
    } catch {
      return undefined;
    }
    if (meta.source !== source || !isDigest(meta.compressed?.digest) || sourceDateEpoch < meta.sourceMaxMtime) {
      return undefined;
    }
    const blob = this.#blob(meta.compressed.digest);
    const actual = await digestFile(blob).catch(() => undefined);
    if (actual?.digest !== meta.compressed.digest || actual.size !== meta.compressed.size) return undefined;
    await link(blob, target).catch(() => copyFile(blob, target));
    return meta;
  }

  /** Keeps a copy of a freshly re-packed layer when its bytes do not depend on the epoch. */
  async put(layer: CachedLayer, path: string, sourceDateEpoch: number): Promise<void> {
    if (sourceDateEpoch < layer.sourceMaxMtime) return;
    await mkdir(this.dir, { recursive: true });
    const blob = this.#blob(layer.compressed.digest);
    const exists = await stat(blob).then(
      () => true,
      () => false,
    );
    if (!exists) {
      const temp = `${blob}.tmp-${process.pid}`;
      await link(path, temp).catch(() => copyFile(path, temp));
      await rename(temp, blob);
    }
    const temp = `${this.#meta(layer.source)}.tmp-${process.pid}`;
    await writeFile(temp, JSON.stringify(layer));
    await rename(temp, this.#meta(layer.source));
  }
}
