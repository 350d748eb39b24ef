// Uploading one blob from a file: a session (POST, or the 202 answer of a refused mount), then
// - monolithic (the default): one PUT with the whole body, streamed from the file;
// - chunked (when a chunk size is given and the blob is larger): PATCH chunks, then an empty
//   closing PUT. The offset is tracked here, never taken from the registry's Range header (ECR's
//   does not advance after the first chunk, and may answer a PATCH with 201).
// The bytes are hashed as they go out and checked against the descriptor before the upload is
// closed; the registry's Docker-Content-Digest is checked after.
import { createHash, type Hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import { fileRange } from '../file-range.ts';
import type { Descriptor } from '../image-types.ts';
import { checkDigestHeader } from './digest-header.ts';
import type { HttpResponse } from './http-exchange.ts';
import { RegistryError } from './registry-errors.ts';
import type { RegistryTransport } from './registry-transport.ts';

const SMALL_BLOB = 1024 * 1024;

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export async function discard(response: HttpResponse): Promise<void> {
  await response.discard();
}

function locationOf(response: HttpResponse, transport: RegistryTransport, what: string): URL {
  const location = response.headers.get('location');
  if (!location)
    throw new Error(`registry ${transport.registry}: ${what}: answer ${response.status} without a Location`);
  return transport.resolve(location);
}

export async function startUpload(transport: RegistryTransport, repository: string, what: string): Promise<URL> {
  const response = await transport.request({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/`,
    scopes: [pushScope(repository)],
    headers: { 'content-length': '0' },
    expect: [202],
    what: `${what}: start upload`,
  });
  await discard(response);
  return locationOf(response, transport, `${what}: start upload`);
}

/** Mounts `digest` from `from`: 'mounted', or the upload session the registry opened instead. */
export async function mountBlob(
  transport: RegistryTransport,
  repository: string,
  from: string,
  digest: Digest,
  what: string,
): Promise<{ mounted: true } | { mounted: false; session: URL }> {
  const url = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const response = await transport.request({
    method: 'POST',
    url,
    scopes: [pushScope(repository), pullScope(from)],
    headers: { 'content-length': '0' },
    expect: [201, 202],
    what: `${what}: mount from ${from}`,
  });
  await discard(response);
  if (response.status === 201) {
    checkDigestHeader(response, digest, `${what} mounted from ${from}`);
    return { mounted: true };
  }
  return { mounted: false, session: locationOf(response, transport, `${what}: mount`) };
}

function withDigest(location: URL, digest: Digest): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

export interface UploadOptions {
  transport: RegistryTransport;
  repository: string;
  path: string;
  descriptor: Descriptor;
  /** Chunked upload of a blob larger than this; absent: one PUT whatever the size. */
  chunkSize?: number;
  /** A session already open (from a refused mount); a new one otherwise. */
  session?: URL;
  onBytes: (bytes: number) => void;
  what: string;
}

export async function uploadBlob(options: UploadOptions): Promise<void> {
  const session = options.session ?? (await startUpload(options.transport, options.repository, options.what));
  const state = { location: session, closed: false };
  try {
    await upload(options, state);
  } catch (error: unknown) {
    // best effort: a failed session is abandoned (a retry opens a new one)
    if (!state.closed) {
      await options.transport
        .request({
          method: 'DELETE',
          url: state.location.href,
          scopes: [pushScope(options.repository)],
          expect: [204, 200, 404],
          what: `${options.what}: cancel upload`,
        })
        .then(discard)
        .catch(() => undefined);
    }
    throw error;
  }
}

async function upload(options: UploadOptions, state: { location: URL; closed: boolean }): Promise<void> {
  const { transport, repository, path, descriptor, chunkSize, what } = options;
  let location = state.location;
  const scopes = [pushScope(repository)];
  let sent: Hash = createHash('sha256');
  // a small blob (a config) goes out in one write from memory; a large one streams from the file
  const small = descriptor.size <= SMALL_BLOB ? await readFile(path) : undefined;
  const body = (start: number, length: number, attempt: { hash?: Hash }) => () => {
    const hash = sent.copy();
    attempt.hash = hash;
    if (small !== undefined && start === 0 && length === small.length) {
      hash.update(small);
      options.onBytes(small.length);
      return small;
    }
    return fileRange(path, start, length, (chunk) => {
      hash.update(chunk);
      options.onBytes(chunk.length);
    });
  };
  const checkSent = (hash: Hash) => {
    const actual = `sha256:${hash.digest('hex')}` as Digest;
    if (actual !== descriptor.digest) {
      throw new DigestMismatchError(`${what}: the file ${path} sent`, descriptor.digest, actual, 'the layout changed?');
    }
  };

  let response: HttpResponse;
  if (chunkSize === undefined || descriptor.size <= chunkSize) {
    const attempt: { hash?: Hash } = {};
    try {
      response = await transport.request({
        method: 'PUT',
        url: withDigest(location, descriptor.digest).href,
        scopes,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(descriptor.size) },
        body: body(0, descriptor.size, attempt),
        expect: [201],
        what: `${what}: upload`,
      });
    } catch (error: unknown) {
      // the registry hashed other bytes than the descriptor names: the file itself, or the wire?
      if (error instanceof RegistryError && error.code === 'DIGEST_INVALID' && attempt.hash) checkSent(attempt.hash);
      throw error;
    }
    await discard(response);
    if (attempt.hash) checkSent(attempt.hash);
  } else {
    for (let offset = 0; offset < descriptor.size; ) {
      const length = Math.min(chunkSize, descriptor.size - offset);
      const attempt: { hash?: Hash } = {};
      const chunk = await transport.request({
        method: 'PATCH',
        url: location.href,
        scopes,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(length),
          'content-range': `${offset}-${offset + length - 1}`,
        },
        body: body(offset, length, attempt),
        expect: [202, 201, 204],
        what: `${what}: upload bytes ${offset}-${offset + length - 1}`,
      });
      await discard(chunk);
      if (attempt.hash) sent = attempt.hash;
      const next = chunk.headers.get('location');
      if (next) location = transport.resolve(next);
      state.location = location;
      offset += length;
    }
    checkSent(sent.copy());
    response = await transport.request({
      method: 'PUT',
      url: withDigest(location, descriptor.digest).href,
      scopes,
      headers: { 'content-length': '0' },
      expect: [201],
      what: `${what}: close upload`,
    });
    await discard(response);
  }
  state.closed = true;
  checkDigestHeader(response, descriptor.digest, what);
}
