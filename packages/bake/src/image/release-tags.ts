// The tags an image carries. ECR repositories are immutable, so every generated tag is unique per
// build (`sha-<short>`) or per release (the version of a `vX.Y.Z` git tag); `latest`, which would
// have to move, is refused, and so is a `-SNAPSHOT` version.

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const RELEASE_REF = /^refs\/tags\/v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/** Checks one tag given by the user: the distribution grammar, and never `latest`. Throws a one-line reason. */
export function checkUserTag(tag: string): void {
  if (tag.toLowerCase() === 'latest') {
    throw new Error(
      `got "${tag}"; 'latest' is refused: ECR tags are immutable and bakeline never moves a tag (use the generated sha-<short> or release tags)`,
    );
  }
  if (!TAG.test(tag)) {
    const why = tag.length > 128 ? `it has ${tag.length} characters` : 'it has a character outside [A-Za-z0-9._-]';
    throw new Error(
      `got "${tag.length > 60 ? `${tag.slice(0, 60)}…` : tag}"; expected a tag matching ${TAG.source} (${why})`,
    );
  }
}

/** The release version of a `refs/tags/vX.Y.Z` ref (without the `v`); undefined for anything else or a SNAPSHOT. */
export function releaseVersion(ref: string | undefined): string | undefined {
  const match = RELEASE_REF.exec(ref ?? '');
  const version = match?.[1];
  if (version === undefined || /snapshot/i.test(version)) return undefined;
  return version;
}

/** `sha-` and the first 7 hex of the commit. */
export function shaTag(sha: string): string {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`got "${sha}"; expected a 40-hex commit SHA`);
  return `sha-${sha.slice(0, 7)}`;
}

/** User tags, then `sha-<short>`, then the release version; duplicates removed, order kept. */
export function imageTags(userTags: readonly string[], sha: string, ref: string | undefined): string[] {
  for (const tag of userTags) checkUserTag(tag);
  const version = releaseVersion(ref);
  return [...new Set([...userTags, shaTag(sha), ...(version ? [version] : [])])];
}
