// A client for the OCI distribution API: push an image from a layout (HEAD, mount, upload,
// manifest, tags that never move) and pull one into a layout (every byte hashed), with
// retries where a retry is safe and progress for long transfers.
import {
  formatBytes,
  formatDuration,
  isTransientNetworkError,
  type Logger,
  ProgressReporter,
  type RetryDecision,
  retry,
  silentLogger,
} from '@bakeline/toolkit';
import { type Digest, isDigest, sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from '../image-types.ts';
import { blobPath } from '../layout/layout-paths.ts';
import { type LoadedImage, readLayoutImage, verifyBlob } from '../layout/layout-read.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { parseConfig, parseIndex, parseManifest } from '../layout/parse-documents.ts';
import { isIndexMediaType, MANIFEST_ACCEPT } from '../media-types.ts';
import {
  formatReference,
  type ImageReference,
  validateRegistry,
  validateRepository,
  validateTag,
} from '../reference.ts';
import { checkDigestHeader, discard, mountBlob, pullScope, pushScope, startUpload, uploadBlob } from './blob-upload.ts';
import { MAX_METADATA_BYTES, readBoundedBody } from './bounded-body.ts';
import { mapConcurrent } from './concurrency.ts';
import { fetchSend, type HttpResponse, nodeHttpSend, sendAsFetch } from './http-exchange.ts';
import { RegistryError, TagConflictError } from './registry-errors.ts';
import { isRetryableRegistryError, RegistryTransport } from './registry-transport.ts';
import type { PushResult, RegistryClientOptions } from './registry-types.ts';

const MIN_CHUNK_SIZE = 64 * 1024;

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

function classify(error: unknown): RetryDecision {
  return isTransientNetworkError(error) || isRetryableRegistryError(error) ? 'retry' : 'stop';
}

function short(digest: Digest): string {
  return digest.slice(0, 19);
}

export interface PushTarget {
  repository: string;
  tags?: string[];
  /** Repositories of the same registry to mount missing blobs from, tried in order. */
  mountFrom?: string[];
}

export interface PullOptions {
  /** Which image of a multi-platform index (default linux/amd64). */
  platform?: Platform;
}

/** An image's manifest and config, without its layers. */
export interface FetchedImageConfig {
  /** Digest of the image manifest (a platform's manifest when the reference names an index). */
  digest: Digest;
  manifest: ImageManifest;
  configDigest: Digest;
  config: ImageConfig;
}

export class RegistryClient {
  readonly registry: string;
  readonly #transport: RegistryTransport;
  readonly #logger: Logger;
  readonly #concurrency: number;
  /** Chunked uploads (PATCH) of blobs above this size; undefined: every blob in one PUT. */
  readonly #chunkSize: number | undefined;
  readonly #retry: { attempts: number; baseDelayMs: number };
  readonly #signal: AbortSignal | undefined;

  constructor(options: RegistryClientOptions) {
    validateRegistry(options.registry);
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
      throw new Error(`registry client: concurrency '${concurrency}': expected an integer from 1 to 32`);
    }
    const chunkSize = options.chunkSize;
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE)) {
      throw new Error(
        `registry client: chunkSize '${chunkSize}': expected an integer of at least ${MIN_CHUNK_SIZE} bytes`,
      );
    }
    this.registry = options.registry;
    this.#logger = options.logger ?? silentLogger;
    this.#concurrency = concurrency;
    this.#chunkSize = chunkSize;
    this.#retry = options.retry ?? { attempts: 4, baseDelayMs: 500 };
    const scheme = (options.insecure ?? isLoopback(options.registry)) ? 'http' : 'https';
    const send = options.fetch ? fetchSend(options.fetch) : nodeHttpSend(options.env);
    const transport: ConstructorParameters<typeof RegistryTransport>[0] = {
      registry: options.registry,
      // Docker Hub's name is docker.io; its API answers on registry-1.docker.io
      baseUrl: `${scheme}://${options.registry === 'docker.io' ? 'registry-1.docker.io' : options.registry}`,
      fetch: options.fetch ?? sendAsFetch(send),
      send,
      logger: this.#logger,
    };
    if (options.credentials !== undefined) transport.credentials = options.credentials;
    if (options.tokenTimeoutMs !== undefined) {
      if (!Number.isInteger(options.tokenTimeoutMs) || options.tokenTimeoutMs < 1) {
        throw new Error(`registry client: tokenTimeoutMs '${options.tokenTimeoutMs}': expected a positive integer`);
      }
      transport.tokenTimeoutMs = options.tokenTimeoutMs;
    }
    this.#signal = options.signal;
    if (options.signal !== undefined) transport.signal = options.signal;
    this.#transport = new RegistryTransport(transport);
  }

  async #retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await retry(operation, {
        attempts: this.#retry.attempts,
        baseDelayMs: this.#retry.baseDelayMs,
        classify,
        ...(this.#signal ? { signal: this.#signal } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          this.#logger.warning(
            `${what}: attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${formatDuration(delayMs)}`,
          ),
      });
    } catch (error: unknown) {
      // A fault that a retry could cure outlasted the budget: say so, and that trying again is safe.
      if (classify(error) !== 'retry' || this.#signal?.aborted) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${what}: failed ${this.#retry.attempts} times in a row (last: ${cause}); the registry or the network is failing. ` +
          'Retrying is safe: a push is idempotent and resumes with the blobs already stored (re-run the step).',
        { cause: error },
      );
    }
  }

  async hasBlob(repository: string, digest: Digest): Promise<boolean> {
    validateRepository(repository);
    return this.#retrying(`check blob ${short(digest)}`, async () => {
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
      const header = response.headers.get('docker-content-digest');
      if (isDigest(header)) {
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
      this.#logger.info(
        `tag ${this.registry}/${repository}:${tag} already names ${digest} (an earlier attempt landed)`,
      );
      return digest;
    }
    if (named !== undefined) throw new TagConflictError(this.registry, repository, tag, named, digest);
    throw refusal;
  }

  async #pushBlob(
    image: LoadedImage,
    repository: string,
    descriptor: Descriptor,
    mountFrom: readonly string[],
    progress: ProgressReporter,
  ): Promise<'skipped' | 'mounted' | 'uploaded'> {
    const what = `blob ${short(descriptor.digest)} (${formatBytes(descriptor.size)})`;
    if (await this.hasBlob(repository, descriptor.digest)) {
      this.#logger.info(`${what}: already in ${repository}`);
      return 'skipped';
    }
    return this.#retrying(`push ${what}`, async () => {
      let session: URL | undefined;
      for (const [i, from] of mountFrom.entries()) {
        if (from === repository) continue;
        const result = await mountBlob(this.#transport, repository, from, descriptor.digest, what);
        if (result.mounted) {
          this.#logger.info(`${what}: mounted from ${from}`);
          return 'mounted';
        }
        if (i === mountFrom.length - 1) session = result.session;
        else await this.#cancelUpload(result.session, repository);
      }
      const started = Date.now();
      const chunked = this.#chunkSize !== undefined && descriptor.size > this.#chunkSize;
      const upload: Parameters<typeof uploadBlob>[0] = {
        transport: this.#transport,
        repository,
        path: blobPath(image.layoutDir, descriptor.digest),
        descriptor,
        onBytes: (bytes) => progress.add(bytes),
        what,
      };
      if (this.#chunkSize !== undefined) upload.chunkSize = this.#chunkSize;
      upload.session = session ?? (await startUpload(this.#transport, repository, what));
      await uploadBlob(upload);
      const ms = Date.now() - started;
      this.#logger.info(
        `${what}: uploaded in ${formatDuration(ms)} (${formatBytes(Math.round((descriptor.size * 1000) / Math.max(ms, 1)))}/s, ${chunked ? `chunks of ${formatBytes(this.#chunkSize ?? 0)}` : 'one request'})`,
      );
      return 'uploaded';
    });
  }

  async #cancelUpload(session: URL, repository: string): Promise<void> {
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

  /**
   * Pushes the image of a layout: blobs (HEAD, mount, upload, in parallel), the manifest by digest,
   * then tags. A tag that names another digest fails before anything is uploaded (TagConflictError).
   */
  async pushImage(image: LoadedImage, target: PushTarget): Promise<PushResult> {
    const { repository } = target;
    validateRepository(repository);
    const tags = [...new Set(target.tags ?? [])];
    for (const tag of tags) validateTag(tag);
    for (const from of target.mountFrom ?? []) validateRepository(from);
    const name = `${this.registry}/${repository}`;
    if (!/"mediaType"\s*:/.test(Buffer.from(image.manifestBytes).toString('utf8').slice(0, 200))) {
      this.#logger.warning(`manifest ${image.digest} has no top-level mediaType; ECR rejects such OCI manifests`);
    }

    const existingTags = new Map<string, Digest | undefined>();
    for (const tag of tags) {
      const existing = await this.resolveDigest(repository, tag);
      if (existing !== undefined && existing !== image.digest) {
        throw new TagConflictError(this.registry, repository, tag, existing, image.digest);
      }
      existingTags.set(tag, existing);
    }

    const blobs = [image.manifest.config, ...image.manifest.layers].filter(
      (d, i, all) => all.findIndex((o) => o.digest === d.digest) === i,
    );
    const total = blobs.reduce((sum, d) => sum + d.size, 0);
    const progress = new ProgressReporter({ label: `push ${name}`, total, logger: this.#logger });
    const ordered = [...blobs].sort((a, b) => b.size - a.size);
    const outcomes = await mapConcurrent(ordered, this.#concurrency, (d) =>
      this.#pushBlob(image, repository, d, target.mountFrom ?? [], progress),
    );
    const result: PushResult = {
      digest: image.digest,
      pushedBytes: 0,
      uploadedBlobs: [],
      skippedBlobs: [],
      mountedBlobs: [],
      tags: [],
    };
    ordered.forEach((d, i) => {
      const outcome = outcomes[i];
      if (outcome === 'uploaded') {
        result.uploadedBlobs.push(d.digest);
        result.pushedBytes += d.size;
      } else if (outcome === 'mounted') result.mountedBlobs.push(d.digest);
      else result.skippedBlobs.push(d.digest);
    });
    if (result.uploadedBlobs.length > 0) progress.done();

    await this.putManifest(repository, image.digest, image.manifestBytes, image.manifest.mediaType);
    this.#logger.info(`manifest ${image.digest} in ${name}`);
    for (const tag of tags) {
      if (existingTags.get(tag) === image.digest) {
        result.tags.push({ tag, status: 'unchanged' });
        continue;
      }
      const now = await this.resolveDigest(repository, tag); // a concurrent push may have taken it
      if (now !== undefined && now !== image.digest)
        throw new TagConflictError(this.registry, repository, tag, now, image.digest);
      if (now === image.digest) {
        result.tags.push({ tag, status: 'unchanged' });
        continue;
      }
      await this.putManifest(repository, tag, image.manifestBytes, image.manifest.mediaType);
      result.tags.push({ tag, status: 'created' });
      this.#logger.info(`tag ${name}:${tag} -> ${image.digest}`);
    }
    return result;
  }

  /** Downloads a blob into the layout, hashing it on the way; a blob already there is verified instead. */
  async #pullBlob(
    writer: LayoutWriter,
    repository: string,
    descriptor: Descriptor,
    progress: ProgressReporter,
  ): Promise<void> {
    const what = `blob ${short(descriptor.digest)} of ${this.registry}/${repository}`;
    const present = await verifyBlob(writer.dir, descriptor, 'blob').then(
      () => true,
      () => false,
    );
    if (present) return;
    await this.#retrying(`get ${what}`, async () => {
      const response = await this.#transport.request({
        method: 'GET',
        url: `/v2/${repository}/blobs/${descriptor.digest}`,
        scopes: [pullScope(repository)],
        expect: [200],
        what: `get ${what}`,
      });
      checkDigestHeader(response, descriptor.digest, what);
      const body = response.body;
      body.on('data', (chunk: Buffer) => progress.add(chunk.length));
      await writer.writeVerifiedBlob(body, descriptor, what);
    });
  }

  /** The image manifest a reference names: the platform's manifest when it names an index. */
  async #imageManifest(
    reference: ImageReference,
    options: PullOptions,
  ): Promise<{ bytes: Uint8Array; digest: Digest; mediaType: string; parsed: ImageManifest }> {
    if (
      reference.registry !== this.registry &&
      !(reference.registry === 'docker.io' && this.registry.endsWith('docker.io'))
    ) {
      throw new Error(`pull ${formatReference(reference)}: this client talks to ${this.registry}`);
    }
    const { repository } = reference;
    let manifest = await this.getManifest(repository, reference.digest ?? reference.tag ?? 'latest');
    if (isIndexMediaType(manifest.mediaType)) {
      const index: ImageIndex = parseIndex(manifest.bytes, `index ${manifest.digest}`);
      const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
      const chosen = index.manifests.find(
        (m) =>
          m.platform?.os === platform.os &&
          m.platform.architecture === platform.architecture &&
          (platform.variant === undefined || m.platform.variant === platform.variant),
      );
      if (!chosen) {
        throw new Error(
          `pull ${formatReference(reference)}: the index has no ${platform.os}/${platform.architecture} image`,
        );
      }
      manifest = await this.getManifest(repository, chosen.digest);
    }
    const parsed = parseManifest(manifest.bytes, `manifest ${manifest.digest}`, manifest.mediaType);
    return { ...manifest, parsed };
  }

  /**
   * The manifest and config of an image (by tag or digest) and none of its layers: two small GETs
   * (three through an index), each body bounded (4 MiB) and hashed against the digest that names it.
   */
  async getImageConfig(reference: ImageReference, options: PullOptions = {}): Promise<FetchedImageConfig> {
    const manifest = await this.#imageManifest(reference, options);
    const descriptor = manifest.parsed.config;
    const what = `config ${short(descriptor.digest)} of ${this.registry}/${reference.repository}`;
    if (descriptor.size > MAX_METADATA_BYTES) {
      throw new Error(`${what}: the manifest gives it ${descriptor.size} bytes, over ${MAX_METADATA_BYTES}; refused`);
    }
    const bytes = await this.#retrying(`get ${what}`, async () => {
      const response = await this.#transport.request({
        method: 'GET',
        url: `/v2/${reference.repository}/blobs/${descriptor.digest}`,
        scopes: [pullScope(reference.repository)],
        expect: [200],
        what: `get ${what}`,
      });
      checkDigestHeader(response, descriptor.digest, what);
      const body = await readBoundedBody(response.body, descriptor.size, what);
      if (body.length !== descriptor.size) {
        throw new Error(`${what}: got ${body.length} bytes; the manifest gives ${descriptor.size}`);
      }
      const digest = sha256Digest(body);
      if (digest !== descriptor.digest)
        throw new DigestMismatchError(`${what}: received bytes`, descriptor.digest, digest);
      return body;
    });
    return {
      digest: manifest.digest,
      manifest: manifest.parsed,
      configDigest: descriptor.digest,
      config: parseConfig(bytes, what),
    };
  }

  /** Pulls an image (by tag or digest) into an OCI layout; every blob is hashed against its digest. */
  async pullImage(reference: ImageReference, layoutDir: string, options: PullOptions = {}): Promise<LoadedImage> {
    const { repository } = reference;
    const manifest = await this.#imageManifest(reference, options);
    const parsed = manifest.parsed;
    const writer = await LayoutWriter.create(layoutDir);
    const blobs = [parsed.config, ...parsed.layers];
    const total = blobs.reduce((sum, d) => sum + d.size, 0);
    const progress = new ProgressReporter({ label: `pull ${formatReference(reference)}`, total, logger: this.#logger });
    await mapConcurrent(blobs, this.#concurrency, (d) => this.#pullBlob(writer, repository, d, progress));
    progress.done();
    const annotations = reference.tag ? { 'org.opencontainers.image.ref.name': reference.tag } : undefined;
    await writer.writeManifestBytes(manifest.bytes, manifest.mediaType, annotations);
    return readLayoutImage(layoutDir, { digest: manifest.digest });
  }
}
