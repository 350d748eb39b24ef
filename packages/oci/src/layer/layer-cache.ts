// Re-packed layers kept by the digest of their source tar: when every mtime of the source is at or
// below SOURCE_DATE_EPOCH, the re-packed bytes do not depend on the epoch, so a base layer is
// compressed once per machine rather than on every build.
//
// An entry is bound to its digests: the bytes handed out are hashed after they are linked or
// copied to the target (the compressed digest and size, and the diff ID and size of the tar
// inside), so a cached layer that does not hash to what it is filed under is never used. Such an
// entry is discarded (the caller re-packs and files it again, replacing the bad bytes).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Digest, digestHex, isDigest } from '../digest.ts';

/** Bump when the tar writer or gzip change their bytes. */
const FORMAT = 'v2';

export interface CachedLayer {
  source: Digest;
  sourceMaxMtime: number;
  compressed: { digest: Digest; size: number };
  diffId: Digest;
  uncompressedSize: number;
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCachedLayer(value: unknown, source: Digest): value is CachedLayer {
  const meta = value as Partial<CachedLayer> | null;
  return (
    typeof meta === 'object' &&
    meta !== null &&
    meta.source === source &&
    isSize(meta.sourceMaxMtime) &&
    isDigest(meta.compressed?.digest) &&
    isSize(meta.compressed?.size) &&
    isDigest(meta.diffId) &&
    isSize(meta.uncompressedSize)
  );
}

/** The digest and size of a gzip file and of the bytes inside it, in one read. */
async function digestGzipFile(path: string) {
  const outer = createHash('sha256');
  const inner = createHash('sha256');
  let outerSize = 0;
  let innerSize = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: 1024 * 1024 }),
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        outer.update(chunk);
        outerSize += chunk.length;
        done(null, chunk);
      },
    }),
    createGunzip(),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        inner.update(chunk);
        innerSize += chunk.length;
        done();
      },
    }),
  );
  return {
    compressed: { digest: `sha256:${outer.digest('hex')}` as Digest, size: outerSize },
    uncompressed: { digest: `sha256:${inner.digest('hex')}` as Digest, size: innerSize },
  };
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

  /**
   * A cached layer usable at this epoch, linked (or copied) to `target` and verified there;
   * undefined when absent, unusable, or not the bytes it is filed under (then the entry is
   * discarded and `target` removed).
   */
  async take(source: Digest, sourceDateEpoch: number, target: string): Promise<CachedLayer | undefined> {
    let meta: unknown;
    try {
      meta = JSON.parse(await readFile(this.#meta(source), 'utf8'));
    } catch {
      return undefined;
    }
    if (!isCachedLayer(meta, source)) {
      await this.#discard(source, undefined);
      return undefined;
    }
    if (sourceDateEpoch < meta.sourceMaxMtime) return undefined;
    const blob = this.#blob(meta.compressed.digest);
    try {
      await link(blob, target).catch(() => copyFile(blob, target));
    } catch {
      await this.#discard(source, meta.compressed.digest);
      return undefined;
    }
    const actual = await digestGzipFile(target).catch(() => undefined);
    if (
      actual?.compressed.digest !== meta.compressed.digest ||
      actual.compressed.size !== meta.compressed.size ||
      actual.uncompressed.digest !== meta.diffId ||
      actual.uncompressed.size !== meta.uncompressedSize
    ) {
      await rm(target, { force: true });
      await this.#discard(source, meta.compressed.digest);
      return undefined;
    }
    return meta;
  }

  /** Removes an entry that cannot be used (its record, and its blob when known). */
  async #discard(source: Digest, blob: Digest | undefined): Promise<void> {
    await rm(this.#meta(source), { force: true });
    if (blob !== undefined) await rm(this.#blob(blob), { force: true });
  }

  /**
   * Keeps a copy of a freshly re-packed layer when its bytes do not depend on the epoch. The blob
   * is always (re)written: a bad copy filed under the same digest is replaced, not kept.
   */
  async put(layer: CachedLayer, path: string, sourceDateEpoch: number): Promise<void> {
    if (sourceDateEpoch < layer.sourceMaxMtime) return;
    await mkdir(this.dir, { recursive: true });
    const blob = this.#blob(layer.compressed.digest);
    const tempBlob = `${blob}.tmp-${process.pid}`;
    await rm(tempBlob, { force: true });
    await link(path, tempBlob).catch(() => copyFile(path, tempBlob));
    await rename(tempBlob, blob);
    const temp = `${this.#meta(layer.source)}.tmp-${process.pid}`;
    await writeFile(temp, JSON.stringify(layer));
    await rename(temp, this.#meta(layer.source));
  }
}
