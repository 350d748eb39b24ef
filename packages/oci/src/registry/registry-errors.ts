import type { Digest } from '../digest.ts';
import type { HttpResponse } from './http-exchange.ts';

/** A registry answered with an error status; `code` is the OCI error code when the body had one. */
export class RegistryError extends Error {
  readonly status: number;
  readonly code?: string;
  readonly detail?: unknown;

  constructor(message: string, status: number, code?: string, detail?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryError';
    this.status = status;
    if (code !== undefined) this.code = code;
    if (detail !== undefined) this.detail = detail;
  }
}

/** A tag already names another manifest: bakeline never moves a tag. */
export class TagConflictError extends Error {
  readonly repository: string;
  readonly tag: string;
  readonly existing: Digest;
  readonly wanted: Digest;

  constructor(registry: string, repository: string, tag: string, existing: Digest, wanted: Digest) {
    super(
      `tag '${tag}' of ${registry}/${repository} already points to ${existing}, not ${wanted}; tags are never moved: use a new tag`,
    );
    this.name = 'TagConflictError';
    this.repository = repository;
    this.tag = tag;
    this.existing = existing;
    this.wanted = wanted;
  }
}

/** Turns an error response into a RegistryError carrying the OCI error code and message. */
export async function registryError(response: HttpResponse, what: string): Promise<RegistryError> {
  let code: string | undefined;
  let message = '';
  let detail: unknown;
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[] };
    const first = body.errors?.[0];
    if (first) {
      code = first.code;
      message = first.message ?? '';
      detail = first.detail;
    }
  } catch {
    message = text.slice(0, 200).trim();
  }
  const parts = [`${response.status}${response.statusText ? ` ${response.statusText}` : ''}`];
  if (code) parts.push(code);
  if (message) parts.push(message);
  const hint =
    response.status === 401
      ? ' (check the registry credentials)'
      : response.status === 403
        ? ' (the credentials lack permission for this repository)'
        : code === 'DIGEST_INVALID'
          ? ' (the registry received other bytes than were sent)'
          : '';
  return new RegistryError(`${what}: ${parts.join(': ')}${hint}`, response.status, code, detail);
}
