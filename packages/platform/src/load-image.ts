// Loads exactly the image the caller names: the layout's manifest must hash to `digest` and every
// blob must match (before anything runs), then the image the engine loaded must be the one the
// manifest names: its ID is the config digest on the classic store, the manifest digest on the
// containerd store (detected, never assumed).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, layoutToDockerArchive, unpackLayout, verifyLayout } from '@bakeline/oci';
import type { Logger } from '@bakeline/toolkit';
import type { DockerCli } from './docker-cli.ts';

export type ImageSource =
  | { kind: 'layout'; path: string }
  | { kind: 'archive'; path: string }
  | { kind: 'image'; reference: string };

export interface LoadedImage {
  /** What `docker run` is given. */
  ref: string;
  digest: string;
  configDigest: string | undefined;
}

export async function loadImage(
  docker: DockerCli,
  source: ImageSource,
  digest: Digest | undefined,
  workDir: string,
  logger: Logger,
): Promise<LoadedImage> {
  if (source.kind === 'image') {
    const pinned = /@(sha256:[a-f0-9]{64})$/.exec(source.reference)?.[1];
    if (!pinned) throw new Error(`image '${source.reference}' is not pinned by digest`);
    if (digest && digest !== pinned)
      throw new Error(`image '${source.reference}' names ${pinned}, but 'digest' is ${digest}`);
    await docker.run(['pull', source.reference], { timeoutMs: 600_000 });
    const inspect = await docker.inspectImage(source.reference);
    if (!(inspect.RepoDigests ?? []).some((d) => d.endsWith(`@${pinned}`))) {
      throw new Error(
        `the pulled image does not carry ${pinned} (RepoDigests: ${(inspect.RepoDigests ?? []).join(', ')})`,
      );
    }
    return { ref: source.reference, digest: pinned, configDigest: inspect.Id };
  }
  if (!digest) throw new Error(`'digest' is required with '${source.kind}'`);
  let layout = source.path;
  const scratch = mkdtempSync(join(workDir, 'platform-image-'));
  try {
    if (source.kind === 'archive') {
      layout = join(scratch, 'layout');
      await unpackLayout(source.path, layout);
    }
    const image = await logger.group(`Verify ${digest}`, async () => {
      const verified = await verifyLayout(layout, digest);
      logger.info(
        `manifest ${verified.digest}, config ${verified.configDigest}, ${verified.manifest.layers.length} layers: every blob matches its digest`,
      );
      return verified;
    });
    const tag = `bakeline-platform-test/image:${digest.slice(7, 19)}`;
    const archive = join(scratch, 'image.docker.tar');
    await layoutToDockerArchive(layout, digest, archive, { repoTag: tag });
    const loaded = await docker.load(archive);
    const store = await docker.imageStore();
    const inspect = await docker.inspectImage(tag);
    const expectedId = store === 'classic' ? image.configDigest : digest;
    if (inspect.Id !== expectedId) {
      throw new Error(
        `the engine loaded ${inspect.Id} (${loaded}) but the manifest names ${expectedId} (${store} image store: the image ID is the ${store === 'classic' ? 'config' : 'manifest'} digest)`,
      );
    }
    logger.info(
      `loaded ${tag}: image ID ${inspect.Id} is the ${store === 'classic' ? 'config' : 'manifest'} digest the manifest names`,
    );
    return { ref: tag, digest, configDigest: image.configDigest };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
