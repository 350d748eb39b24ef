// A layer as a .tar.gz file whose bytes depend only on the entries and SOURCE_DATE_EPOCH: sorted,
// normalised tar (layer-entries.ts, tar-header.ts) through the pinned gzip, hashed on the way
// (diff ID over the tar, digest over the gzip). Nothing is held whole in memory.
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Digest, DigestCounter } from '../digest.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { BlockSink, writeTarEntries } from '../tar/tar-writer.ts';
import { GzipWriter } from './deterministic-gzip.ts';
import { normalizeEntries } from './layer-entries.ts';

export interface DeterministicLayerOptions {
  /** Seconds since the epoch: every mtime is clamped to it; entries without one get it. */
  sourceDateEpoch: number;
  /** Directory of the output file (default: the OS temp dir). Use the layout's dir to rename into it cheaply. */
  directory?: string;
  /** Called with the number of uncompressed bytes written since the last call. */
  onProgress?: (bytes: number) => void;
}

export interface DeterministicLayer {
  /** The .tar.gz blob. */
  compressed: { digest: Digest; size: number };
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: Digest;
  uncompressedSize: number;
  /** The .tar.gz file; the caller moves or removes it. */
  path: string;
}

async function collect(entries: AsyncIterable<TarEntry> | readonly TarEntry[]): Promise<TarEntry[]> {
  if (Array.isArray(entries)) return entries as TarEntry[];
  const all: TarEntry[] = [];
  for await (const entry of entries as AsyncIterable<TarEntry>) all.push(entry);
  return all;
}

export async function writeDeterministicLayer(
  entries: AsyncIterable<TarEntry> | readonly TarEntry[],
  options: DeterministicLayerOptions,
): Promise<DeterministicLayer> {
  const normalized = normalizeEntries(await collect(entries), options.sourceDateEpoch);
  const path = join(options.directory ?? tmpdir(), `.layer-${randomUUID()}.tar.gz`);
  const handle = await open(path, 'w');
  try {
    const diff = new DigestCounter();
    const compressed = new DigestCounter();
    let queued: Uint8Array[] = [];
    let queuedBytes = 0;
    const drain = async () => {
      if (queuedBytes === 0) return;
      const chunks = queued;
      queued = [];
      queuedBytes = 0;
      await handle.writev(chunks);
    };
    const gzip = new GzipWriter(async (chunk) => {
      compressed.update(chunk);
      queued.push(chunk);
      queuedBytes += chunk.length;
      if (queuedBytes >= 4 * 1024 * 1024) await drain();
    });
    const sink = new BlockSink(async (block) => {
      diff.update(block);
      await gzip.write(block);
      options.onProgress?.(block.length);
    });
    await writeTarEntries(normalized, sink);
    await gzip.end();
    await drain();
    await handle.close();
    const tar = diff.result();
    return { compressed: compressed.result(), diffId: tar.digest, uncompressedSize: tar.size, path };
  } catch (error: unknown) {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}
