// A client for the OCI distribution API, one method per protocol call: HEAD and GET of manifests
// and blobs, PUT of manifests, and the blob upload session (POST, cross-repository mount, PATCH,
// PUT, DELETE). Every body read into memory is bounded, every digest is checked (the bytes' own,
// and Docker-Content-Digest where the registry sends it). A single call is retried where that is
// safe; pushing and pulling whole images is built on top (push-image.ts, pull-image.ts).
import type { Readable } from 'node:stream';
import { type Logger, silentLogger } from '@bakeline/toolkit';
import { type Digest, isDigest, sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { Descriptor } from '../image-types.ts';
import { MANIFEST_ACCEPT } from '../media-types.ts';
import { validateRegistry, validateRepository, validateTag } from '../reference.ts';
import * as blobUpload from './blob-upload.ts';
import { discard, pullScope, pushScope } from './blob-upload.ts';
import { MAX_METADATA_BYTES, readBoundedBody } from './bounded-body.ts';
import { checkDigestHeader, contentDigest } from './digest-header.ts';
import { fetchSend, type HttpResponse, nodeHttpSend, sendAsFetch } from './http-exchange.ts';
import { RegistryError, TagConflictError } from './registry-errors.ts';
import { type RegistryRetryPolicy, retryRegistryOperation } from './registry-retry.ts';
import { RegistryTransport } from './registry-transport.ts';
import type { RegistryClientOptions } from './registry-types.ts';

const MIN_CHUNK_SIZE = 64 * 1024;

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** The first 19 characters of a digest (`sha256:` and 12 hex digits), for log lines. */
export function shortDigest(digest: Digest): string {
  return digest.slice(0, 19);
}

/** One blob upload: from the file at `path`, in the session of a refused mount or a new one. */
export interface BlobUpload {
  repository: string;
  path: string;
  descriptor: Descriptor;
  session?: URL;
  onBytes: (bytes: number) => void;
  what: string;
}

export class RegistryClient {
  readonly registry: string;
  readonly logger: Logger;
  /** Chunked uploads (PATCH) of blobs above this size; undefined: every blob in one PUT. */
  readonly chunkSize: number | undefined;
  /** How a call (or a sequence of calls that restarts as a whole) is retried. */
  readonly retryPolicy: RegistryRetryPolicy;
  readonly #transport: RegistryTransport;

  constructor(options: RegistryClientOptions) {
    validateRegistry(options.registry);
    const chunkSize = options.chunkSize;
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE)) {
      throw new Error(
        `registry client: chunkSize '${chunkSize}': expected an integer of at least ${MIN_CHUNK_SIZE} bytes`,
      );
    }
    this.registry = options.registry;
    this.logger = options.logger ?? silentLogger;
    this.chunkSize = chunkSize;
    const retry = options.retry ?? { attempts: 4, baseDelayMs: 500 };
    this.retryPolicy = { attempts: retry.attempts, baseDelayMs: retry.baseDelayMs, logger: this.logger };
    if (options.signal !== undefined) this.retryPolicy.signal = options.signal;
    const scheme = (options.insecure ?? isLoopback(options.registry)) ? 'http' : 'https';
    const send = options.fetch ? fetchSend(options.fetch) : nodeHttpSend(options.env);
    const transport: ConstructorParameters<typeof RegistryTransport>[0] = {
      registry: options.registry,
      // Docker Hub's name is docker.io; its API answers on registry-1.docker.io
      baseUrl: `${scheme}://${options.registry === 'docker.io' ? 'registry-1.docker.io' : options.registry}`,
      fetch: options.fetch ?? sendAsFetch(send),
      send,
      logger: this.logger,
    };
    if (options.credentials !== undefined) transport.credentials = options.credentials;
    if (options.tokenTimeoutMs !== undefined) {
      if (!Number.isInteger(options.tokenTimeoutMs) || options.tokenTimeoutMs < 1) {
        throw new Error(`registry client: tokenTimeoutMs '${options.tokenTimeoutMs}': expected a positive integer`);
      }
      transport.tokenTimeoutMs = options.tokenTimeoutMs;
    }
    if (options.signal !== undefined) transport.signal = options.signal;
    this.#transport = new RegistryTransport(transport);
  }

  #retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retryRegistryOperation(what, this.retryPolicy, operation);
  }

  async hasBlob(repository: string, digest: Digest): Promise<boolean> {
    validateRepository(repository);
    return this.#retrying(`check blob ${shortDigest(digest)}`, async () => {
      const response = await this.#transport.request({
        method: 'HEAD',
        url: `/v2/${repository}/blobs/${digest}`,
        scopes: [pullScope(repository)],
        expect: [200, 404],
        what: `check blob ${digest} in ${repository}`,
      });
      await discard(response);
      return response.status === 200;
    });
  }

  /** The digest a tag (or digest) names, from a HEAD of the manifest; undefined when absent. */
  async resolveDigest(repository: string, reference: string): Promise<Digest | undefined> {
    validateRepository(repository);
    return this.#retrying(`resolve ${repository}:${reference}`, async () => {
      const response = await this.#transport.request({
        method: 'HEAD',
        url: `/v2/${repository}/manifests/${reference}`,
        scopes: [pullScope(repository)],
        headers: { accept: MANIFEST_ACCEPT },
        expect: [200, 404],
        what: `resolve ${repository}:${reference}`,
      });
      await discard(response);
      if (response.status === 404) return undefined;
      const header = contentDigest(response);
      if (header !== undefined) {
        if (isDigest(reference) && header !== reference) {
          throw new DigestMismatchError(
            `manifest ${repository}@${reference}: Docker-Content-Digest`,
            reference,
            header,
          );
        }
        return header;
      }
      return (await this.getManifest(repository, reference)).digest;
    });
  }

  /** The manifest's exact bytes, hashed: the digest must match the reference (if a digest) and the registry's header. */
  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ bytes: Uint8Array; digest: Digest; mediaType: string }> {
    validateRepository(repository);
    const what = `manifest ${this.registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    return this.#retrying(`get ${what}`, async () => {
      const response = await this.#transport.request({
        method: 'GET',
        url: `/v2/${repository}/manifests/${reference}`,
        scopes: [pullScope(repository)],
        headers: { accept: MANIFEST_ACCEPT },
        expect: [200],
        what: `get ${what}`,
      });
      const bytes = await readBoundedBody(response.body, MAX_METADATA_BYTES, what);
      const digest = sha256Digest(bytes);
      if (isDigest(reference) && digest !== reference)
        throw new DigestMismatchError(`${what}: received bytes`, reference, digest);
      checkDigestHeader(response, digest, what);
      let mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      try {
        const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
        if (typeof parsed.mediaType === 'string') mediaType = parsed.mediaType;
      } catch (error: unknown) {
        throw new Error(`${what}: not JSON`, { cause: error });
      }
      return { bytes, digest, mediaType };
    });
  }

  /** PUT by tag or digest (idempotent, so retried); the registry must answer with the bytes' digest. */
  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    validateRepository(repository);
    if (!isDigest(reference)) validateTag(reference);
    const digest = sha256Digest(bytes);
    const what = `put manifest ${this.registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    return this.#retrying(what, async () => {
      let response: HttpResponse;
      try {
        response = await this.#transport.request({
          method: 'PUT',
          url: `/v2/${repository}/manifests/${reference}`,
          scopes: [pushScope(repository)],
          headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
          body: () => bytes,
          expect: [201, 200],
          what,
        });
      } catch (error: unknown) {
        if (!isDigest(reference) && error instanceof RegistryError && error.code === 'TAG_INVALID') {
          return this.#tagAlreadySet(repository, reference, digest, error);
        }
        throw error;
      }
      await discard(response);
      checkDigestHeader(response, digest, what);
      return digest;
    });
  }

  /**
   * A tag PUT refused with TAG_INVALID: an IMMUTABLE repository (ECR) refuses any PUT of an existing
   * tag, the same digest included. That is what a retry meets when the answer to the first PUT was
   * lost after the registry stored it, or when another run pushed the same image meanwhile. Read
   * the tag back: naming this digest, the tag is right; naming another, it is a conflict.
   */
  async #tagAlreadySet(repository: string, tag: string, digest: Digest, refusal: RegistryError): Promise<Digest> {
    const named = await this.resolveDigest(repository, tag);
    if (named === digest) {
      this.logger.info(`tag ${this.registry}/${repository}:${tag} already names ${digest} (an earlier attempt landed)`);
      return digest;
    }
    if (named !== undefined) throw new TagConflictError(this.registry, repository, tag, named, digest);
    throw refusal;
  }

  /**
   * GET of a blob, one attempt (the caller retries the download as a whole): the body as a stream,
   * to be hashed by the caller; a Docker-Content-Digest other than `digest` is refused first.
   */
  async getBlob(repository: string, digest: Digest, what: string): Promise<Readable> {
    validateRepository(repository);
    const response = await this.#transport.request({
      method: 'GET',
      url: `/v2/${repository}/blobs/${digest}`,
      scopes: [pullScope(repository)],
      expect: [200],
      what: `get ${what}`,
    });
    checkDigestHeader(response, digest, what);
    return response.body;
  }

  /** A small blob (an image config) in memory: at most 4 MiB, exactly the descriptor's size and digest. */
  async getBlobBytes(repository: string, descriptor: Descriptor, what: string): Promise<Uint8Array> {
    validateRepository(repository);
    if (descriptor.size > MAX_METADATA_BYTES) {
      throw new Error(`${what}: the manifest gives it ${descriptor.size} bytes, over ${MAX_METADATA_BYTES}; refused`);
    }
    return this.#retrying(`get ${what}`, async () => {
      const body = await this.getBlob(repository, descriptor.digest, what);
      const bytes = await readBoundedBody(body, descriptor.size, what);
      if (bytes.length !== descriptor.size) {
        throw new Error(`${what}: got ${bytes.length} bytes; the manifest gives ${descriptor.size}`);
      }
      const digest = sha256Digest(bytes);
      if (digest !== descriptor.digest)
        throw new DigestMismatchError(`${what}: received bytes`, descriptor.digest, digest);
      return bytes;
    });
  }

  /** Cross-repository mount (POST `?mount=&from=`), one attempt: 'mounted', or the session the registry opened instead. */
  mountBlob(
    repository: string,
    from: string,
    digest: Digest,
    what: string,
  ): Promise<{ mounted: true } | { mounted: false; session: URL }> {
    return blobUpload.mountBlob(this.#transport, repository, from, digest, what);
  }

  /** Opens an upload session (POST), one attempt; its Location. */
  startUpload(repository: string, what: string): Promise<URL> {
    return blobUpload.startUpload(this.#transport, repository, what);
  }

  /**
   * Uploads one blob from a file, one attempt (monolithic PUT, or PATCH chunks when `chunkSize` is
   * set and the blob is larger), hashed as sent; a failed session is cancelled.
   */
  uploadBlob(upload: BlobUpload): Promise<void> {
    const options: blobUpload.UploadOptions = { transport: this.#transport, ...upload };
    if (this.chunkSize !== undefined) options.chunkSize = this.chunkSize;
    return blobUpload.uploadBlob(options);
  }

  /** Abandons an upload session (DELETE), best effort: a failure is ignored. */
  async cancelUpload(session: URL, repository: string): Promise<void> {
    await this.#transport
      .request({
        method: 'DELETE',
        url: session.href,
        scopes: [pushScope(repository)],
        expect: [204, 200, 404],
        what: 'cancel upload',
      })
      .then(discard)
      .catch(() => undefined);
  }
}
