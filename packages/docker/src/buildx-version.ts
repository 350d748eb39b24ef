// `docker buildx version` prints `<package> <version> <revision>`
// (docker/buildx commands/version.go: fmt.Println(version.Package, version.Version, version.Revision)),
// e.g. `github.com/docker/buildx v0.29.1 a32761a`. Parsed as docker/actions-toolkit's
// Buildx.parseVersion does: the first word that is a version or a 7-hex commit.

export function parseBuildxVersion(stdout: string): string {
  const match = /\sv?([0-9a-f]{7}|[0-9]+\.[0-9.]+[0-9A-Za-z.+-]*)/.exec(` ${stdout.trim()}`);
  if (!match?.[1]) throw new Error(`docker buildx version: cannot read a version from: ${stdout.trim().slice(0, 200)}`);
  return match[1];
}
