// Loads an OCI layout's image into the Docker engine: oci's layoutToDockerArchive writes the
// docker archive (the layout's own blobs, read by content, plus `docker save`'s manifest.json;
// `docker load` accepts gzip layers), then @bakeline/docker loads it and checks the image ID.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from '@bakeline/docker';
import { type Digest, layoutToDockerArchive, parseDigest } from '@bakeline/oci';
import type { Exec } from '@bakeline/toolkit';

export interface LoadedIntoDocker {
  /** The engine's image ID (`docker image inspect .Id`). */
  imageId: string;
  repoTag: string;
}

export async function loadLayoutIntoDocker(
  layoutDir: string,
  digest: string,
  repoTag: string,
  options: { exec?: Exec; docker?: string } = {},
): Promise<LoadedIntoDocker> {
  const docker = new Docker({
    ...(options.exec ? { exec: options.exec } : {}),
    ...(options.docker ? { command: options.docker } : {}),
  });
  const staging = await mkdtemp(join(tmpdir(), 'bakeline-docker-load-'));
  let configDigest: Digest;
  try {
    const archive = join(staging, 'image.docker.tar');
    ({ configDigest } = await layoutToDockerArchive(layoutDir, parseDigest(digest), archive, { repoTag }));
    await docker.load(archive);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const imageId = (await docker.inspectImage(repoTag))?.id;
  // the classic image store names an image by its config digest, the containerd store by its manifest digest
  if (imageId !== configDigest && imageId !== digest) {
    throw new Error(
      `docker load of ${layoutDir}: ${repoTag} is ${imageId ?? 'missing'}, expected ${configDigest} (config) or ${digest} (manifest)`,
    );
  }
  return { imageId, repoTag };
}
