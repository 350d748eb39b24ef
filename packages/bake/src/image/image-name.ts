// The image name: an optional registry host (with port), then a repository path of lowercase
// components, as the distribution spec defines them. No tag, no digest: those come separately.

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\[[0-9a-fA-F:]+\]|[A-Za-z0-9-]+)(?::\d{1,5})?$/;

export interface ImageName {
  /** The host part when given (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`, `127.0.0.1:5000`). */
  registry?: string;
  repository: string;
}

export function parseImageName(value: string): ImageName {
  if (value.includes('@'))
    throw new Error(`got "${value}"; expected a name without a digest (the digest is an output)`);
  const parts = value.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const last = parts[parts.length - 1] ?? '';
  if (last.includes(':')) {
    throw new Error(`got "${value}"; expected a name without a tag (give tags in 'tags')`);
  }
  if (hasHost && !HOST.test(first)) throw new Error(`got "${value}"; "${first}" is not a registry host[:port]`);
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0 || path.join('/').length > 255) {
    throw new Error(`got "${value}"; expected a repository path of 1-255 characters`);
  }
  for (const component of path) {
    if (!COMPONENT.test(component)) {
      const hint = /[A-Z]/.test(component) ? ' (uppercase is not allowed)' : '';
      throw new Error(
        `got "${value}"; repository component "${component}" must be lowercase letters and digits separated by '.', '_', '__' or '-'${hint}`,
      );
    }
  }
  return hasHost ? { registry: first, repository: path.join('/') } : { repository: path.join('/') };
}
