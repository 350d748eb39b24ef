// Image references in the distribution grammar (github.com/distribution/reference), with
// Docker's normalisation of short names (`alpine` -> `docker.io/library/alpine`).
import { type Digest, parseDigest } from './digest.ts';

export interface ImageReference {
  /** `host[:port]`; `docker.io` for Docker Hub. */
  registry: string;
  /** Lowercase path components joined by `/`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := '.' | '_' | '__' | '-'+
const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_PATTERN = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY_PATTERN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`,
);
/** Total length of `registry/repository`, as Docker limits it. */
const NAME_MAX_LENGTH = 255;

export const DOCKER_HUB = 'docker.io';

export function validateRepository(name: string): void {
  if (!REPOSITORY_PATTERN.test(name)) {
    throw new Error(
      `repository '${name}': expected lowercase path components ([a-z0-9] separated by '.', '_', '__' or '-') joined by '/'`,
    );
  }
  if (name.length > NAME_MAX_LENGTH) {
    throw new Error(`repository '${name}': expected at most ${NAME_MAX_LENGTH} characters, got ${name.length}`);
  }
}

export function validateTag(tag: string): void {
  if (!TAG_PATTERN.test(tag)) {
    throw new Error(
      `tag '${tag}': expected 1 to 128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'` +
        (tag.length > 128 ? ` (got ${tag.length})` : ''),
    );
  }
}

export function validateRegistry(host: string): void {
  if (!REGISTRY_PATTERN.test(host)) {
    throw new Error(`registry '${host}': expected a host name or IP address with an optional ':port'`);
  }
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new Error(`registry '${host}': expected a port between 1 and 65535`);
  }
}

/**
 * Whether the first component of a name is a registry, as distribution's splitDockerDomain decides
 * it: it has a '.' or a ':', is `localhost`, or has an upper-case letter (repositories are lower case).
 */
function looksLikeRegistry(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[') ||
    component.toLowerCase() !== component
  );
}

/**
 * Parses `[registry/]repository[:tag][@sha256:<hex>]`. A name without a registry is a Docker Hub
 * name (`docker.io`, with `library/` for one-component names), as `docker pull` reads it.
 */
export function parseReference(value: string): ImageReference {
  const fail = (expected: string): never => {
    throw new Error(`image reference '${value}': ${expected}`);
  };
  const check = (validate: () => void): void => {
    try {
      validate();
    } catch (error: unknown) {
      fail((error as Error).message);
    }
  };
  if (value.length === 0) fail('expected [registry/]repository[:tag][@sha256:<64 hex>], got an empty string');
  if (/\s/.test(value)) fail('expected no whitespace');

  let rest = value;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    const digestText = rest.slice(at + 1);
    check(() => {
      digest = parseDigest(digestText);
    });
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const text = tag;
    check(() => validateTag(text));
  }

  let registry = DOCKER_HUB;
  let repository = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash !== -1 && looksLikeRegistry(rest.slice(0, firstSlash))) {
    registry = rest.slice(0, firstSlash);
    repository = rest.slice(firstSlash + 1);
    const host = registry;
    check(() => validateRegistry(host));
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const name = repository;
  check(() => validateRepository(name));
  if (registry.length + 1 + repository.length > NAME_MAX_LENGTH) {
    fail(`expected a name of at most ${NAME_MAX_LENGTH} characters`);
  }

  const reference: ImageReference = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** `registry/repository[:tag][@digest]`, always with the registry. */
export function formatReference(reference: ImageReference): string {
  let text = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}
