// The image name: an optional registry host (with port), then a repository path of lowercase
// components, as the distribution spec defines them. No tag, no digest: those come separately.
// Parsed by the one reference parser (@bakeline/oci parseReference); this module only refuses a
// tag or digest and says which component is wrong.
import { parseReference } from '@bakeline/oci';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

export interface ImageName {
  /** The host part when given (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`, `127.0.0.1:5000`). */
  registry?: string;
  repository: string;
}

/** Which part of a refused name is wrong, for the message (the parser decides what is refused). */
function explain(value: string): string | undefined {
  const parts = value.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasHost ? parts.slice(1) : parts;
  if (path.join('/').length > 255) return 'expected a repository path of 1-255 characters';
  for (const component of path) {
    if (!COMPONENT.test(component)) {
      const hint = /[A-Z]/.test(component) ? ' (uppercase is not allowed)' : '';
      return `repository component "${component}" must be lowercase letters and digits separated by '.', '_', '__' or '-'${hint}`;
    }
  }
  return undefined;
}

export function parseImageName(value: string): ImageName {
  if (value.includes('@'))
    throw new Error(`got "${value}"; expected a name without a digest (the digest is an output)`);
  let reference: ReturnType<typeof parseReference>;
  try {
    reference = parseReference(value);
  } catch (error: unknown) {
    const message = (error as Error).message;
    const detail = /: repository '|characters/.test(message) ? (explain(value) ?? message) : message;
    throw new Error(`got "${value}"; ${detail}`);
  }
  if (reference.tag !== undefined) {
    throw new Error(`got "${value}"; expected a name without a tag (give tags in 'tags')`);
  }
  return value.startsWith(`${reference.registry}/`)
    ? { registry: reference.registry, repository: reference.repository }
    : { repository: value };
}
