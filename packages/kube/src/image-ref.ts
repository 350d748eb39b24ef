// Image references as they appear in a pod spec and in a container status' imageID, read with
// the one reference parser of packages/oci (the distribution grammar).
import { type ImageReference, isDigest, parseReference } from '@bakeline/oci';

export interface PinnedImage {
  /** `registry/repository` as written, without tag or digest */
  repository: string;
  digest: string;
}

function parsed(reference: string): ImageReference | undefined {
  try {
    return parseReference(reference);
  } catch {
    return undefined;
  }
}

/** `repo[:tag]@sha256:…` as written, without the tag and digest; the reference itself when it does not parse. */
function writtenRepository(reference: string, ref: ImageReference | undefined): string {
  if (!ref) return reference;
  const at = reference.indexOf('@');
  const name = at < 0 ? reference : reference.slice(0, at);
  return ref.tag === undefined ? name : name.slice(0, name.length - ref.tag.length - 1);
}

/** Splits `repo[:tag]@sha256:…`; undefined when the reference has no digest or is not a reference. */
export function pinnedImage(reference: string): PinnedImage | undefined {
  const ref = parsed(reference);
  if (!ref?.digest) return undefined;
  return { repository: writtenRepository(reference, ref), digest: ref.digest };
}

/** `host:5000/a/b:tag` -> `host:5000/a/b`, as written. */
export function repositoryOf(reference: string): string {
  return writtenRepository(reference, parsed(reference));
}

/**
 * The repository in canonical form for comparisons: the registry host lower-cased (host names are
 * case-insensitive), Docker Hub's short names expanded (`busybox` -> `docker.io/library/busybox`).
 */
export function canonicalRepository(reference: string): string {
  const ref = parsed(reference);
  return ref ? `${ref.registry.toLowerCase()}/${ref.repository}` : reference;
}

/** The digest in a container status imageID (`docker-pullable://repo@sha256:…`, `repo@sha256:…`, or `sha256:…`). */
export function digestOfImageId(imageId: string): string | undefined {
  const withoutScheme = imageId.replace(/^[a-z-]+:\/\//, '');
  if (isDigest(withoutScheme)) return withoutScheme;
  return parsed(withoutScheme)?.digest;
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
  return (
    canonicalRepository(containerImage) === canonicalRepository(promoted) ||
    imageName(containerImage) === imageName(promoted)
  );
}
