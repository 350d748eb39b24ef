// Image references as they appear in a pod spec and in a container status' imageID.

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface PinnedImage {
  /** `registry/repository` without tag or digest */
  repository: string;
  digest: string;
}

/** Splits `repo[:tag]@sha256:…`; undefined when the reference has no digest. */
export function pinnedImage(reference: string): PinnedImage | undefined {
  const at = reference.indexOf('@');
  if (at < 0) return undefined;
  const digest = reference.slice(at + 1);
  if (!DIGEST.test(digest)) return undefined;
  return { repository: repositoryOf(reference.slice(0, at)), digest };
}

/** `host:5000/a/b:tag` -> `host:5000/a/b` (a colon after the last slash is a tag). */
export function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The digest in a container status imageID (`docker-pullable://repo@sha256:…`, `repo@sha256:…`, or `sha256:…`). */
export function digestOfImageId(imageId: string): string | undefined {
  const match = /sha256:[a-f0-9]{64}/.exec(imageId);
  return match?.[0];
}

/** The last path component of a repository: `host:5000/team/svc` -> `svc`. */
export function imageName(reference: string): string {
  const repository = repositoryOf(reference);
  return repository.slice(repository.lastIndexOf('/') + 1);
}

/**
 * Whether a container image in a manifest stands for the promoted repository: the same
 * repository, or (for manifests written before the registry is known) the same image name.
 */
export function sameImage(containerImage: string, promoted: string): boolean {
  return repositoryOf(containerImage) === repositoryOf(promoted) || imageName(containerImage) === imageName(promoted);
}
