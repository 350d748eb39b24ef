// The commit that built an image: the `org.opencontainers.image.revision` label of its config,
// read from the registry by digest. The GitHub deployment of a promotion names that commit, not
// the GITHUB_SHA of a later dispatch; without the label it falls back to GITHUB_SHA, with a warning.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReference, type RegistryClient } from '@bakeline/oci';
import { errorMessage, type Logger } from '@bakeline/toolkit';

export const REVISION_LABEL = 'org.opencontainers.image.revision';
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The revision label of `image` (`repository@sha256:…`), or undefined when the config has none.
 * The oci client has no call that fetches the config blob alone, so the image is pulled into a
 * scratch layout (every blob hashed) and the layout removed again.
 */
export async function readImageRevision(
  image: string,
  client: RegistryClient,
  scratchDir: string,
): Promise<string | undefined> {
  const reference = parseReference(image);
  if (!reference.digest) throw new Error(`image '${image}' has no digest`);
  const dir = await mkdtemp(join(scratchDir, 'bakeline-revision-'));
  try {
    const pulled = await client.pullImage(reference, join(dir, 'layout'));
    return pulled.config.config?.Labels?.[REVISION_LABEL];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The `ref` of the deployment record: the image's revision label when it is a commit SHA,
 * otherwise GITHUB_SHA, saying why.
 */
export async function deploymentRef(
  image: string,
  fallbackSha: string,
  read: (image: string) => Promise<string | undefined>,
  logger: Logger,
): Promise<string> {
  let revision: string | undefined;
  try {
    revision = await read(image);
  } catch (error: unknown) {
    logger.warning(
      `GitHub deployment: the ${REVISION_LABEL} label of ${image} could not be read (${errorMessage(error)}); the deployment names GITHUB_SHA ${fallbackSha}`,
    );
    return fallbackSha;
  }
  if (revision === undefined || revision === '') {
    logger.warning(
      `GitHub deployment: ${image} has no ${REVISION_LABEL} label; the deployment names GITHUB_SHA ${fallbackSha}, which may not be the commit that built it`,
    );
    return fallbackSha;
  }
  if (!COMMIT.test(revision)) {
    logger.warning(
      `GitHub deployment: the ${REVISION_LABEL} label of ${image} is not a commit SHA; the deployment names GITHUB_SHA ${fallbackSha}`,
    );
    return fallbackSha;
  }
  if (revision !== fallbackSha) logger.info(`GitHub deployment: ${image} was built from ${revision}`);
  return revision;
}
