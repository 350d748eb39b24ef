// The state of the local ECR: repositories (tag mutability, scan on push, lifecycle policy) and
// their images (manifest, tags, push time, the blobs they reference, scans). Manifests are written
// through to the Distribution registry, by the ECR API (PutImage) and the registry front alike, so
// both enforce the same rules.
import { JsonProtocolError } from '../aws/json-protocol.ts';
import type { Iam } from '../iam/iam.ts';
import { type ParsedManifest, parseManifest } from './manifest.ts';
import { isDigest, isValidTag, repositoryNameProblem } from './repository-name.ts';
import type { ScanFinding, ScanFindingsStore } from './scan-findings.ts';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE';

export interface EcrImage {
  digest: string;
  manifest: Buffer;
  mediaType: string;
  configMediaType?: string;
  sizeInBytes: number;
  pushedAt: Date;
  blobs: string[];
  manifests: string[];
  scanStartedAt?: Date;
}

export interface EcrRepository {
  name: string;
  arn: string;
  uri: string;
  registryId: string;
  createdAt: Date;
  imageTagMutability: TagMutability;
  scanOnPush: boolean;
  images: Map<string, EcrImage>;
  /** tag -> digest */
  tags: Map<string, string>;
  lifecyclePolicyText?: string;
  /** When the lifecycle policy last ran (GetLifecyclePolicy's lastEvaluatedAt). */
  lifecyclePolicyEvaluatedAt?: Date;
  /** Repository policy (SetRepositoryPolicy), as given. */
  policyText?: string;
  resourceTags: { Key: string; Value: string }[];
}

/** An ECR service error (JSON protocol `__type`). */
export class EcrError extends JsonProtocolError {}

/** A tag that exists in an IMMUTABLE repository (registry: TAG_INVALID; API: ImageTagAlreadyExistsException). */
export class TagImmutableError extends Error {
  readonly tag: string;
  readonly repository: string;
  constructor(tag: string, repository: string) {
    super(
      `The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`,
    );
    this.tag = tag;
    this.repository = repository;
  }
}

/** A manifest reference that is neither a valid tag nor the manifest's own digest. */
export class ManifestReferenceError extends Error {
  readonly reason: 'tag' | 'digest';
  constructor(reason: 'tag' | 'digest', message: string) {
    super(message);
    this.reason = reason;
  }
}

export type PutManifestResult =
  | { ok: true; digest: string; image: EcrImage; headers: Headers }
  | { ok: false; status: number; headers: Headers; body: Buffer };

export type ScanState =
  | { status: 'IN_PROGRESS'; startedAt: Date }
  | { status: 'COMPLETE'; startedAt: Date; completedAt: Date; findings: ScanFinding[] };

export interface EcrRegistryOptions {
  iam: Iam;
  region: string;
  /** `127.0.0.1:<port>` of the registry front (repository URIs). */
  registryHost: string;
  /** Base URL of the Distribution registry behind the front. */
  distributionUrl: string;
  findings: ScanFindingsStore;
  /** How long a scan stays IN_PROGRESS (default 2 s). */
  scanDelayMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export class EcrRegistry {
  readonly accountId: string;
  readonly region: string;
  readonly registryHost: string;
  readonly #o: EcrRegistryOptions;
  readonly #now: () => Date;
  readonly #repositories = new Map<string, EcrRepository>();
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: EcrRegistryOptions) {
    this.#o = options;
    this.accountId = options.iam.accountId;
    this.region = options.region;
    this.registryHost = options.registryHost;
    this.#now = options.now ?? (() => new Date());
  }

  repositoryArn(name: string): string {
    return `arn:${this.#o.iam.partition}:ecr:${this.region}:${this.accountId}:repository/${name}`;
  }

  notFound(name: string): EcrError {
    return new EcrError(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`,
    );
  }

  createRepository(input: {
    name: string;
    imageTagMutability?: TagMutability;
    scanOnPush?: boolean;
    tags?: { Key: string; Value: string }[];
  }): EcrRepository {
    const problem = repositoryNameProblem(input.name);
    if (problem) throw new EcrError('InvalidParameterException', problem);
    if (this.#repositories.has(input.name)) {
      throw new EcrError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${input.name}' already exists in the registry with id '${this.accountId}'`,
      );
    }
    const repo: EcrRepository = {
      name: input.name,
      arn: this.repositoryArn(input.name),
      uri: `${this.registryHost}/${input.name}`,
      registryId: this.accountId,
      createdAt: this.#now(),
      imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
      scanOnPush: input.scanOnPush ?? false,
      images: new Map(),
      tags: new Map(),
      resourceTags: input.tags ?? [],
    };
    this.#repositories.set(repo.name, repo);
    return repo;
  }

  getRepository(name: string): EcrRepository | undefined {
    return this.#repositories.get(name);
  }

  requireRepository(name: string): EcrRepository {
    const repo = this.#repositories.get(name);
    if (!repo) throw this.notFound(name);
    return repo;
  }

  /** Forgets a repository and its images (DeleteRepository; the caller checked `force`). */
  deleteRepository(name: string): void {
    this.requireRepository(name);
    this.#repositories.delete(name);
  }

  listRepositories(): EcrRepository[] {
    return [...this.#repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Puts back a repository saved by an earlier run (its URI follows this registry's host). */
  importRepository(repo: EcrRepository): void {
    this.#repositories.set(repo.name, {
      ...repo,
      arn: this.repositoryArn(repo.name),
      uri: `${this.registryHost}/${repo.name}`,
    });
  }

  tagsOf(repo: EcrRepository, digest: string): string[] {
    return [...repo.tags].filter(([, d]) => d === digest).map(([t]) => t);
  }

  /** Whether any manifest of the repository references the blob (ECR's condition for a mount). */
  isBlobReferenced(repositoryName: string, digest: string): boolean {
    const repo = this.#repositories.get(repositoryName);
    if (!repo) return false;
    for (const image of repo.images.values()) if (image.blobs.includes(digest)) return true;
    return false;
  }

  async #withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(name, settled);
    try {
      return await run;
    } finally {
      if (this.#locks.get(name) === settled) this.#locks.delete(name);
    }
  }

  /**
   * Writes a manifest under `reference` (a tag or its digest) through to Distribution, enforcing
   * ECR's rules first: a top-level mediaType (or `mediaTypeParameter`), a valid tag, the digest of
   * the bytes, and tag immutability. Distribution's own refusals come back as `{ ok: false }`.
   */
  putManifest(
    repositoryName: string,
    reference: string,
    bytes: Buffer,
    options: { contentType?: string; mediaTypeParameter?: string } = {},
  ): Promise<PutManifestResult> {
    const repo = this.requireRepository(repositoryName);
    const parsed = parseManifest(bytes, options.mediaTypeParameter);
    const byDigest = isDigest(reference);
    if (!byDigest && !isValidTag(reference)) {
      throw new ManifestReferenceError('tag', `invalid tag '${reference}': expected [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
    }
    if (byDigest && reference !== parsed.digest) {
      throw new ManifestReferenceError(
        'digest',
        `manifest digest ${parsed.digest} does not match the reference ${reference}`,
      );
    }
    return this.#withLock(repo.name, async () => {
      if (!byDigest && repo.imageTagMutability === 'IMMUTABLE' && repo.tags.has(reference)) {
        throw new TagImmutableError(reference, repo.name);
      }
      const res = await (this.#o.fetch ?? fetch)(`${this.#o.distributionUrl}/v2/${repo.name}/manifests/${reference}`, {
        method: 'PUT',
        headers: { 'content-type': options.contentType ?? parsed.mediaType },
        body: bytes,
      });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 201) return { ok: false, status: res.status, headers: res.headers, body };
      const image = this.#record(repo, parsed, bytes, byDigest ? undefined : reference);
      return { ok: true, digest: parsed.digest, image, headers: res.headers };
    });
  }

  #record(repo: EcrRepository, parsed: ParsedManifest, bytes: Buffer, tag: string | undefined): EcrImage {
    let image = repo.images.get(parsed.digest);
    if (!image) {
      image = {
        digest: parsed.digest,
        manifest: bytes,
        mediaType: parsed.mediaType,
        sizeInBytes: parsed.size,
        pushedAt: this.#now(),
        blobs: parsed.blobs,
        manifests: parsed.manifests,
      };
      if (parsed.configMediaType !== undefined) image.configMediaType = parsed.configMediaType;
      if (repo.scanOnPush && parsed.kind === 'image') image.scanStartedAt = this.#now();
      repo.images.set(parsed.digest, image);
    }
    if (tag !== undefined) repo.tags.set(tag, parsed.digest);
    return image;
  }

  /**
   * Removes images and every tag on them (a lifecycle expiration). The registry front then answers
   * their manifests MANIFEST_UNKNOWN; their bytes stay in Distribution, unreferenced.
   */
  expireImages(repo: EcrRepository, digests: Iterable<string>): void {
    const gone = new Set(digests);
    for (const digest of gone) repo.images.delete(digest);
    for (const [tag, digest] of repo.tags) if (gone.has(digest)) repo.tags.delete(tag);
  }

  /** Whether the repository holds a manifest under `reference` (a tag or a digest). */
  hasManifest(repo: EcrRepository, reference: string): boolean {
    return isDigest(reference) ? repo.images.has(reference) : repo.tags.has(reference);
  }

  /** The image a tag and/or digest names (both must agree when both are given). */
  resolve(repo: EcrRepository, id: { imageTag?: string; imageDigest?: string }): EcrImage | undefined {
    const byTag = id.imageTag !== undefined ? repo.tags.get(id.imageTag) : undefined;
    if (id.imageTag !== undefined && byTag === undefined) return undefined;
    if (id.imageDigest !== undefined && byTag !== undefined && id.imageDigest !== byTag) return undefined;
    const digest = id.imageDigest ?? byTag;
    return digest !== undefined ? repo.images.get(digest) : undefined;
  }

  startScan(image: EcrImage): void {
    image.scanStartedAt = this.#now();
  }

  scanState(repo: EcrRepository, image: EcrImage): ScanState | undefined {
    if (!image.scanStartedAt) return undefined;
    const startedAt = image.scanStartedAt;
    const completedAt = new Date(startedAt.getTime() + (this.#o.scanDelayMs ?? 2000));
    if (this.#now().getTime() < completedAt.getTime()) return { status: 'IN_PROGRESS', startedAt };
    return { status: 'COMPLETE', startedAt, completedAt, findings: this.#o.findings.get(repo.name, image.digest) };
  }
}
