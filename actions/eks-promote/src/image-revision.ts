// The commit that built an image: the `org.opencontainers.image.revision` label of its config,
// read from the registry by digest (the manifest and the config blob only, never a layer). The
// GitHub deployment of a promotion names that commit, not the GITHUB_SHA of a later dispatch;
// without the label it falls back to GITHUB_SHA, with a warning. The manifests of a promotion
// come from that commit too (manifest-source.ts).
import { getImageConfig, parseReference, type RegistryClient } from '@bakeline/oci';
import { errorMessage, type Logger } from '@bakeline/toolkit';

export const REVISION_LABEL = 'org.opencontainers.image.revision';
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A full commit id (SHA-1, or SHA-256 for repositories in that object format). */
export function isCommitId(value: string): boolean {
  return COMMIT.test(value);
}

/** The revision label of `image` (`repository@sha256:…`), or undefined when the config has none. */
export async function readImageRevision(image: string, client: RegistryClient): Promise<string | undefined> {
  const reference = parseReference(image);
  if (!reference.digest) throw new Error(`image '${image}' has no digest`);
  const { config } = await getImageConfig(client, reference);
  return config.config?.Labels?.[REVISION_LABEL];
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
