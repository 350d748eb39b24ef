// The parts of an image reference the kubelet needs: the registry host (for the node's login)
// and the repository (to pick the repo digest that becomes imageID).

export function registryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

export function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** `docker-pullable://<repo>@sha256:...` for the digest of `image` among the image's repo digests. */
export function imageIdFor(image: string, repoDigests: readonly string[]): string {
  if (image.includes('@sha256:') && repoDigests.includes(image)) return `docker-pullable://${image}`;
  const repo = repositoryOf(image);
  const match = repoDigests.find((d) => d.startsWith(`${repo}@`)) ?? repoDigests[0];
  return match ? `docker-pullable://${match}` : '';
}
