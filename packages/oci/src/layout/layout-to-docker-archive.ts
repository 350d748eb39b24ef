// OCI layout -> an archive `docker load` accepts: the layout itself (oci-layout, index.json,
// blobs) plus the manifest.json of `docker save`, whose Config and Layers point into the blobs.
// Layers stay gzip (docker load decompresses them), so nothing is re-compressed. The tar is
// deterministic; on the classic image store the loaded image's ID is the config digest.

import { open, rename, rm, stat } from 'node:fs/promises';
import type { Digest } from '../digest.ts';
import { digestHex } from '../digest.ts';
import { fileRange } from '../file-range.ts';
import { normalizeEntries } from '../layer/layer-entries.ts';
import { MediaType } from '../media-types.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { BlockSink, writeTarEntries } from '../tar/tar-writer.ts';
import { indexBytes } from './canonical-json.ts';
import { blobPath } from './layout-paths.ts';
import { verifyLayout } from './layout-read.ts';

export interface DockerArchiveWriteOptions {
  /** `name:tag` the loaded image gets (RepoTags); none by default (docker load then prints the ID). */
  repoTag?: string;
}

export async function layoutToDockerArchive(
  layoutDir: string,
  digest: Digest,
  archivePath: string,
  options: DockerArchiveWriteOptions = {},
): Promise<{ configDigest: Digest }> {
  const image = await verifyLayout(layoutDir, digest);
  const blobName = (d: Digest) => `blobs/sha256/${digestHex(d)}`;
  const saveManifest = [
    {
      Config: blobName(image.configDigest),
      RepoTags: options.repoTag === undefined ? null : [options.repoTag],
      Layers: image.manifest.layers.map((layer) => blobName(layer.digest)),
    },
  ];
  const annotations = options.repoTag === undefined ? undefined : { 'io.containerd.image.name': options.repoTag };
  const index = indexBytes({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: image.manifest.mediaType,
        digest: image.digest,
        size: image.manifestBytes.length,
        ...(annotations ? { annotations } : {}),
      },
    ],
  });
  const entries: TarEntry[] = [
    { path: 'oci-layout', type: 'file', mode: 0o644, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { path: 'index.json', type: 'file', mode: 0o644, data: index },
    { path: 'manifest.json', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify(saveManifest)) },
    { path: 'blobs', type: 'dir', mode: 0o755 },
    { path: 'blobs/sha256', type: 'dir', mode: 0o755 },
  ];
  const blobs = new Set<Digest>([image.digest, image.configDigest, ...image.manifest.layers.map((l) => l.digest)]);
  for (const blob of blobs) {
    const path = blobPath(layoutDir, blob);
    const { size } = await stat(path);
    entries.push({
      path: blobName(blob),
      type: 'file',
      mode: 0o644,
      size,
      data: fileRange(path, 0, size),
    });
  }
  const temp = `${archivePath}.tmp-${process.pid}`;
  const handle = await open(temp, 'w');
  try {
    await writeTarEntries(
      normalizeEntries(entries, 0),
      new BlockSink(async (block) => {
        await handle.write(block);
      }),
    );
    await handle.close();
    await rename(temp, archivePath);
  } catch (error: unknown) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  return { configDigest: image.configDigest };
}
