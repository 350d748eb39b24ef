// Writes an OCI image layout: blobs by content (temp file + rename, so a blob file is always
// complete), manifests, and index.json.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Digest, DigestCounter, digestFile, sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { Descriptor, ImageIndex, ImageManifest } from '../image-types.ts';
import { MediaType } from '../media-types.ts';
import { indexBytes, manifestBytes } from './canonical-json.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_CONTENT, OCI_LAYOUT_FILE } from './layout-paths.ts';
import { parseIndex } from './parse-documents.ts';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes a stream to `path`, hashing and counting it on the way. */
async function writeCounted(data: Readable, path: string): Promise<{ digest: Digest; size: number }> {
  const counter = new DigestCounter();
  await pipeline(
    data,
    async function* (source: AsyncIterable<Uint8Array>) {
      for await (const chunk of source) {
        counter.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(path, { highWaterMark: 1024 * 1024 }),
  );
  return counter.result();
}

export class LayoutWriter {
  readonly dir: string;
  #manifests: Descriptor[];

  private constructor(dir: string, manifests: Descriptor[]) {
    this.dir = dir;
    this.#manifests = manifests;
  }

  /** Creates the layout (oci-layout, blobs/sha256) in `dir`, keeping what an existing layout holds. */
  static async create(dir: string): Promise<LayoutWriter> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, OCI_LAYOUT_FILE), OCI_LAYOUT_CONTENT);
    let manifests: Descriptor[] = [];
    const indexPath = join(dir, INDEX_FILE);
    if (await exists(indexPath)) {
      manifests = parseIndex(await readFile(indexPath), `OCI layout '${dir}': index.json`).manifests;
    } else {
      await writeFile(indexPath, indexBytes({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }));
    }
    return new LayoutWriter(dir, manifests);
  }

  blobPath(digest: Digest): string {
    return blobPath(this.dir, digest);
  }

  #tempPath(): string {
    return join(this.dir, 'blobs', `.tmp-${randomUUID()}`);
  }

  /** Stores bytes or a stream (hashed while written, never held whole) and returns its descriptor. */
  async writeBlob(data: Uint8Array | Readable, mediaType: string): Promise<Descriptor> {
    if (data instanceof Uint8Array) {
      const digest = sha256Digest(data);
      const target = this.blobPath(digest);
      if (!(await exists(target))) {
        const temp = this.#tempPath();
        await writeFile(temp, data);
        await rename(temp, target);
      }
      return { mediaType, digest, size: data.length };
    }
    const temp = this.#tempPath();
    try {
      const { digest, size } = await writeCounted(data, temp);
      await rename(temp, this.blobPath(digest));
      return { mediaType, digest, size };
    } catch (error: unknown) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Stores a JSON document (config) with the bytes `JSON.stringify` gives. */
  writeJson(value: unknown, mediaType: string): Promise<Descriptor> {
    return this.writeBlob(Buffer.from(JSON.stringify(value), 'utf8'), mediaType);
  }

  /**
   * Moves a file (for example the temp file of writeDeterministicLayer) into the blobs. With
   * `known`, the digest computed while the file was written is trusted; without, it is hashed.
   */
  async addBlobFile(path: string, mediaType: string, known?: { digest: Digest; size: number }): Promise<Descriptor> {
    const { digest, size } = known ?? (await digestFile(path));
    const target = this.blobPath(digest);
    try {
      await rename(path, target);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(path, target);
      await rm(path, { force: true });
    }
    return { mediaType, digest, size };
  }

  /** Brings a blob of another layout in (hard link, or copy across devices), checking its size. */
  async copyBlobFrom(otherLayoutDir: string, descriptor: Descriptor): Promise<void> {
    const source = blobPath(otherLayoutDir, descriptor.digest);
    const target = this.blobPath(descriptor.digest);
    if (await exists(target)) return;
    const info = await stat(source).catch((error: unknown) => {
      throw new Error(`blob ${descriptor.digest}: missing from layout ${otherLayoutDir}`, { cause: error });
    });
    if (info.size !== descriptor.size) {
      throw new Error(`blob ${descriptor.digest} in ${otherLayoutDir}: size ${info.size}, expected ${descriptor.size}`);
    }
    try {
      await link(source, target);
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      const temp = this.#tempPath();
      await copyFile(source, temp);
      await rename(temp, target);
    }
  }

  /**
   * Stores a stream that must hash to `descriptor` (a download): written to a temp file, checked,
   * then renamed; on a mismatch nothing is kept and a DigestMismatchError names both digests.
   */
  async writeVerifiedBlob(data: Readable, descriptor: Descriptor, what = 'blob'): Promise<void> {
    const temp = this.#tempPath();
    try {
      const { digest, size } = await writeCounted(data, temp);
      if (digest !== descriptor.digest)
        throw new DigestMismatchError(`${what}: received bytes`, descriptor.digest, digest);
      if (size !== descriptor.size)
        throw new Error(`${what}: received ${size} bytes, the manifest says ${descriptor.size}`);
      await rename(temp, this.blobPath(digest));
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Stores a manifest's exact bytes (as pulled) and lists it in index.json. */
  async writeManifestBytes(
    bytes: Uint8Array,
    mediaType: string,
    annotations?: Record<string, string>,
  ): Promise<Descriptor> {
    const stored = await this.writeBlob(bytes, mediaType);
    return this.#addToIndex({ mediaType, digest: stored.digest, size: stored.size }, annotations);
  }

  /** Writes the manifest blob and lists it in index.json (replacing an entry with the same digest). */
  async writeManifest(manifest: ImageManifest, annotations?: Record<string, string>): Promise<Descriptor> {
    const bytes = manifestBytes(manifest);
    const stored = await this.writeBlob(bytes, manifest.mediaType);
    return this.#addToIndex({ mediaType: manifest.mediaType, digest: stored.digest, size: stored.size }, annotations);
  }

  async #addToIndex(descriptor: Descriptor, annotations: Record<string, string> | undefined): Promise<Descriptor> {
    if (annotations !== undefined && Object.keys(annotations).length > 0) descriptor.annotations = annotations;
    this.#manifests = [...this.#manifests.filter((m) => m.digest !== descriptor.digest), descriptor];
    await this.#writeIndex();
    return descriptor;
  }

  async #writeIndex(): Promise<void> {
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: this.#manifests };
    const temp = this.#tempPath();
    await writeFile(temp, indexBytes(index));
    await rename(temp, join(this.dir, INDEX_FILE));
  }
}
