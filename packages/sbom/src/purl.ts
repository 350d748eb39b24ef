// Package URLs (https://github.com/package-url/purl-spec): `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`.
// Every segment is percent-encoded except the unreserved characters (A-Z a-z 0-9 . - _ ~), so a
// Debian epoch `1:2.3` becomes `1%3A2.3` and a digest `sha256:ab` becomes `sha256%3Aab`, as
// the spec's own OCI example writes it (`pkg:oci/debian@sha256%3A244fd47e07d10?...`); qualifiers
// are sorted by key, empty ones left out, and their values keep `/` and `:` unencoded.

/** Percent-encodes all but the unreserved characters, UTF-8, upper-case hex. */
export function encodePurlSegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface PurlParts {
  type: string;
  namespace?: readonly string[];
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
}

export function formatPurl(parts: PurlParts): string {
  if (!/^[a-z][a-z0-9.+-]*$/.test(parts.type))
    throw new Error(`purl: type '${parts.type}': expected [a-z][a-z0-9.+-]*`);
  if (parts.name === '') throw new Error(`purl: empty name (type ${parts.type})`);
  const path = [...(parts.namespace ?? []), parts.name].map((s) => {
    if (s === '') throw new Error(`purl: empty namespace segment in ${parts.type}/${parts.name}`);
    return encodePurlSegment(s);
  });
  let purl = `pkg:${parts.type}/${path.join('/')}`;
  if (parts.version !== undefined && parts.version !== '') purl += `@${encodePurlSegment(parts.version)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key] of qualifiers) {
    if (!/^[a-z][a-z0-9._-]*$/.test(key)) throw new Error(`purl: qualifier key '${key}': expected [a-z][a-z0-9._-]*`);
  }
  // a qualifier value keeps `/` and `:` as they are (the spec's example: repository_url=docker.io/library/debian)
  const value = (v: string) => encodePurlSegment(v).replace(/%2F/g, '/').replace(/%3A/g, ':');
  if (qualifiers.length > 0) purl += `?${qualifiers.map(([k, v]) => `${k}=${value(v)}`).join('&')}`;
  return purl;
}

/** `pkg:maven/<groupId>/<artifactId>@<version>` */
export function mavenPurl(groupId: string, artifactId: string, version: string): string {
  return formatPurl({ type: 'maven', namespace: [groupId], name: artifactId, version });
}

export interface DebianPackageId {
  /** The distribution's ID from os-release (`debian`, `ubuntu`); default `debian`. */
  vendor?: string;
  name: string;
  version: string;
  architecture?: string;
  /** `debian-12`, from os-release's ID and VERSION_ID. */
  distro?: string;
}

/** `pkg:deb/debian/<name>@<version>?arch=<arch>&distro=debian-12` */
export function debianPurl(pkg: DebianPackageId): string {
  return formatPurl({
    type: 'deb',
    namespace: [pkg.vendor ?? 'debian'],
    name: pkg.name,
    version: pkg.version,
    qualifiers: { arch: pkg.architecture, distro: pkg.distro },
  });
}

/**
 * `pkg:oci/<last path segment>@sha256%3A...?arch=..&repository_url=<registry/repository>`: the
 * purl spec's form for an OCI image, named by its manifest digest (lowercase name).
 */
export function ociPurl(repository: string, digest: string, architecture?: string): string {
  const name = repository.split('/').pop() ?? repository;
  return formatPurl({
    type: 'oci',
    name: name.toLowerCase(),
    version: digest,
    qualifiers: { arch: architecture, repository_url: repository.includes('/') ? repository : undefined },
  });
}
