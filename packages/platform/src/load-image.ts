// Loads exactly the image the caller names. A layout (or a tar of one) is verified first: the
// manifest must hash to `digest` and every blob to its name, before anything reaches the engine.
// Then the image the engine holds must be the one the manifest names: its ID is the config digest
// on the classic image store and the manifest digest on the containerd store (detected from
// `docker info`, never assumed). An engine that holds an image with that ID already (a rerun of the
// same image) is not sent it again: the ID is the digest just verified. A registry reference is pulled by digest and must carry it.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Digest,
  formatReference,
  layoutToDockerArchive,
  parseReference,
  unpackLayout,
  verifyLayout,
} from '@bakeline/oci';
import type { Logger } from '@bakeline/toolkit';
import type { DockerCli, ImageInspect, ImageStore } from './docker-cli.ts';

export type ImageSource =
  | { kind: 'layout'; path: string }
  | { kind: 'archive'; path: string }
  | { kind: 'image'; reference: string };

export interface LoadedImage {
  /** What `docker run` is given: the image ID, so no tag can stand in for it. */
  id: string;
  /** The manifest digest: the identity of the release. */
  digest: Digest;
  store: ImageStore;
  inspect: ImageInspect;
}

export class ImageMismatchError extends Error {
  readonly expected: string;
  readonly actual: string;
  constructor(message: string, expected: string, actual: string) {
    super(message);
    this.name = 'ImageMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** The image ID the engine must report for a manifest on each store. */
export function expectedImageId(store: ImageStore, manifestDigest: Digest, configDigest: Digest): Digest {
  return store === 'containerd' ? manifestDigest : configDigest;
}

/** The repository for comparisons: the registry host lower-cased (host names are case-insensitive). */
function repositoryOf(reference: string): string {
  const ref = parseReference(reference);
  return formatReference({ registry: ref.registry.toLowerCase(), repository: ref.repository });
}

async function pullByDigest(docker: DockerCli, reference: string, digest: Digest | undefined, logger: Logger) {
  const pinned = parseReference(reference).digest;
  if (!pinned) throw new Error(`image '${reference}' is not pinned by digest; expected repository@sha256:<64 hex>`);
  if (digest && digest !== pinned) {
    throw new ImageMismatchError(`image '${reference}' names ${pinned}, but 'digest' is ${digest}`, digest, pinned);
  }
  await logger.group(`Pull ${reference}`, () => docker.pull(reference));
  const store = await docker.imageStore();
  const inspect = await docker.inspectImage(reference);
  const repository = repositoryOf(reference);
  const carried = (inspect.RepoDigests ?? []).filter((d) => repositoryOf(d) === repository);
  if (!carried.some((d) => d.endsWith(`@${pinned}`))) {
    throw new ImageMismatchError(
      `the pulled image does not carry ${pinned}: its RepoDigests for ${repository} are ${carried.join(', ') || 'none'}`,
      pinned,
      carried.join(', '),
    );
  }
  if (store === 'containerd' && inspect.Id !== pinned) {
    throw new ImageMismatchError(
      `the engine holds ${inspect.Id} for ${reference}, but on the containerd image store the ID is the manifest digest ${pinned}`,
      pinned,
      inspect.Id,
    );
  }
  logger.info(`pulled ${reference}: RepoDigests carry ${pinned} (image ID ${inspect.Id}, ${store} image store)`);
  return { id: inspect.Id, digest: pinned, store, inspect };
}

/** The engine's image with this ID, when it holds one (a warm rerun of the same image). */
async function heldImage(docker: DockerCli, id: Digest): Promise<ImageInspect | undefined> {
  const inspect = await docker.inspectImage(id).catch(() => undefined);
  return inspect?.Id === id ? inspect : undefined;
}

export async function loadImage(
  docker: DockerCli,
  source: ImageSource,
  digest: Digest | undefined,
  workDir: string,
  logger: Logger,
): Promise<LoadedImage> {
  if (source.kind === 'image') return pullByDigest(docker, source.reference, digest, logger);
  if (!digest)
    throw new Error(
      `a digest is required with an image ${source.kind}: the image is tested only if it is exactly that one`,
    );
  const scratch = mkdtempSync(join(workDir, 'platform-image-'));
  try {
    let layout = source.path;
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
    const store = await docker.imageStore();
    const expected = expectedImageId(store, digest, image.configDigest);
    const held = await heldImage(docker, expected);
    if (held) {
      // the ID is the digest of what was verified above: the engine holds exactly this image
      logger.info(
        `the engine holds the image already, not loaded again: image ID ${held.Id} is the ${store === 'containerd' ? 'manifest' : 'config'} digest`,
      );
      return { id: held.Id, digest, store, inspect: held };
    }
    const tag = `bakeline-platform-test/image:${digest.slice('sha256:'.length, 'sha256:'.length + 16)}`;
    const archive = join(scratch, 'image.docker.tar');
    await layoutToDockerArchive(layout, digest, archive, { repoTag: tag });
    const loaded = await logger.group(`Load into the engine (${store} image store)`, () => docker.load(archive));
    logger.debug(loaded);
    const inspect = await docker.inspectImage(tag);
    if (inspect.Id !== expected) {
      const which = store === 'containerd' ? 'manifest' : 'config';
      throw new ImageMismatchError(
        `the engine loaded ${inspect.Id}, but the manifest ${digest} names ${expected} (on the ${store} image store the image ID is the ${which} digest)`,
        expected,
        inspect.Id,
      );
    }
    logger.info(
      `loaded as ${tag}: image ID ${inspect.Id} is the ${store === 'containerd' ? 'manifest' : 'config'} digest`,
    );
    return { id: inspect.Id, digest, store, inspect };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
