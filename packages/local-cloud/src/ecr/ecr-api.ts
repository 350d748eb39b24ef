// The local ECR API (JSON 1.1, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>`): every
// request SigV4-verified against issued credentials and authorized by IAM for its action and
// repository ARN, with ECR's error types and messages.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredCredentials } from '../aws/credential-store.ts';
import { JsonInput, JsonProtocolError, jsonSignatureError, sendJson11, sendJsonError } from '../aws/json-protocol.ts';
import { newRequestId } from '../aws/query-protocol.ts';
import { SigV4Error, type SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { BodyTooLargeError, readBody } from '../http/server.ts';
import type { Iam } from '../iam/iam.ts';
import { ECR_OPERATIONS } from './ecr-operations.ts';
import {
  EcrError,
  type EcrImage,
  type EcrRegistry,
  type EcrRepository,
  ManifestReferenceError,
  TagImmutableError,
} from './ecr-registry.ts';
import { validateLifecyclePolicy } from './lifecycle-policy.ts';
import { lifecyclePreviewOperations } from './lifecycle-preview-api.ts';
import { ManifestRejectedError, sha256Digest } from './manifest.ts';
import type { RegistryTokens } from './registry-tokens.ts';
import { repositoryNameProblem } from './repository-name.ts';
import { repositorySettingsOperations } from './repository-settings-api.ts';
import { severityCounts } from './scan-findings.ts';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

export interface EcrApiOptions {
  iam: Iam;
  verifier: SigV4Verifier;
  registry: EcrRegistry;
  tokens: RegistryTokens;
  region: string;
  /** URL of the registry front (`proxyEndpoint`). */
  proxyEndpoint: string;
  now?: () => Date;
}

type Operation = (input: JsonInput, caller: StoredCredentials) => Promise<unknown> | unknown;

interface ImageId {
  imageTag?: string;
  imageDigest?: string;
}

const seconds = (d: Date) => d.getTime() / 1000;

function formatImageId(id: ImageId): string {
  return `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;
}

function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function pageOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new EcrError(
    'InvalidParameterException',
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'",
  );
}

function maxResults(input: JsonInput, max: number, fallback: number): number {
  const n = input.number('maxResults');
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new EcrError(
      'InvalidParameterException',
      `Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to ${max} and greater than or equal to 1'`,
    );
  }
  return n;
}

function imageIdOf(value: unknown, where: string): ImageId {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonProtocolError('SerializationException', `${where}: expected a structure`);
  }
  const v = value as Record<string, unknown>;
  const id: ImageId = {};
  if (v.imageTag !== undefined) {
    if (typeof v.imageTag !== 'string')
      throw new JsonProtocolError('SerializationException', `${where}.imageTag: expected a string`);
    id.imageTag = v.imageTag;
  }
  if (v.imageDigest !== undefined) {
    if (typeof v.imageDigest !== 'string')
      throw new JsonProtocolError('SerializationException', `${where}.imageDigest: expected a string`);
    id.imageDigest = v.imageDigest;
  }
  return id;
}

export class EcrApi {
  readonly #o: EcrApiOptions;
  readonly #now: () => Date;
  readonly #operations: Record<string, Operation>;

  constructor(options: EcrApiOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#operations = {
      GetAuthorizationToken: (i, c) => this.#getAuthorizationToken(i, c),
      CreateRepository: (i, c) => this.#createRepository(i, c),
      DescribeRepositories: (i, c) => this.#describeRepositories(i, c),
      DescribeImages: (i, c) => this.#describeImages(i, c),
      ListImages: (i, c) => this.#listImages(i, c),
      BatchGetImage: (i, c) => this.#batchGetImage(i, c),
      PutImage: (i, c) => this.#putImage(i, c),
      DescribeImageScanFindings: (i, c) => this.#describeImageScanFindings(i, c),
      StartImageScan: (i, c) => this.#startImageScan(i, c),
      PutLifecyclePolicy: (i, c) => this.#putLifecyclePolicy(i, c),
      GetLifecyclePolicy: (i, c) => this.#getLifecyclePolicy(i, c),
      ...repositorySettingsOperations({
        registry: options.registry,
        repository: (i, c, action) => this.#repository(i, c, action),
        authorize: (c, action, resource) => this.#authorize(c, action, resource),
        repositoryJson: (repo) => this.#repositoryJson(repo),
      }),
      ...lifecyclePreviewOperations({
        registry: options.registry,
        repository: (i, c, action) => this.#repository(i, c, action),
        now: () => this.#now(),
      }),
    };
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const requestId = newRequestId();
      try {
        const body = await readBody(req, 1024 * 1024).catch((error: unknown) => {
          if (error instanceof BodyTooLargeError)
            throw new JsonProtocolError('RequestEntityTooLargeException', error.message, 413);
          throw error;
        });
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.startsWith(TARGET_PREFIX) ? this.#operations[target.slice(TARGET_PREFIX.length)] : undefined;
        if (req.method !== 'POST' || op === undefined) {
          const known = target.startsWith(TARGET_PREFIX) && ECR_OPERATIONS.has(target.slice(TARGET_PREFIX.length));
          // ECR answers an operation it does not have with no message; one it has but the local
          // ECR does not serve is named, so that a client of it learns what is missing here
          const message = known ? `${target}: the local ECR does not implement this operation` : '';
          throw new JsonProtocolError('UnknownOperationException', message, 400);
        }
        let caller: StoredCredentials;
        try {
          caller = await this.#o.verifier.verify(
            { method: 'POST', url: req.url ?? '/', headers: req.headers, body },
            { service: 'ecr', regions: [this.#o.region], now: this.#now() },
          );
        } catch (error) {
          if (error instanceof SigV4Error) throw jsonSignatureError(error);
          throw error;
        }
        let parsed: unknown;
        try {
          parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        } catch {
          throw new JsonProtocolError('SerializationException', 'Malformed JSON in the request body');
        }
        const result = await op(new JsonInput(parsed), caller);
        sendJson11(res, 200, result, requestId);
      } catch (error) {
        if (error instanceof JsonProtocolError) {
          sendJsonError(res, error, requestId);
          return;
        }
        throw error;
      }
    };
  }

  // ---- authorization --------------------------------------------------------------------------

  #authorize(caller: StoredCredentials, action: string, resource: string): void {
    const options = { sessionPolicies: caller.sessionPolicies, region: this.#o.region };
    const explanation = this.#o.iam.explain(caller.principal.arn, action, resource, options);
    if (explanation.decision !== 'allow') {
      throw new EcrError(
        'AccessDeniedException',
        this.#o.iam.accessDeniedMessage(caller.principal.arn, action, resource, options),
      );
    }
  }

  #repositoryName(input: JsonInput): string {
    const name = input.requiredString('repositoryName');
    const problem = repositoryNameProblem(name);
    if (problem) throw new EcrError('InvalidParameterException', problem);
    return name;
  }

  /** Authorizes `action` on the named repository, then finds it (the registry ID must be ours). */
  #repository(input: JsonInput, caller: StoredCredentials, action: string): EcrRepository {
    const name = this.#repositoryName(input);
    const registryId = input.string('registryId');
    if (registryId !== undefined && !/^\d{12}$/.test(registryId)) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''",
      );
    }
    this.#authorize(caller, action, this.#o.registry.repositoryArn(name));
    if (registryId !== undefined && registryId !== this.#o.registry.accountId) {
      throw new EcrError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
      );
    }
    return this.#o.registry.requireRepository(name);
  }

  #imageNotFound(repo: EcrRepository, id: ImageId): EcrError {
    return new EcrError(
      'ImageNotFoundException',
      `The image with imageId ${formatImageId(id)} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
    );
  }

  // ---- operations -----------------------------------------------------------------------------

  #getAuthorizationToken(_input: JsonInput, caller: StoredCredentials) {
    this.#authorize(caller, 'ecr:GetAuthorizationToken', '*');
    const token = this.#o.tokens.issue(caller);
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${token.password}`).toString('base64'),
          expiresAt: seconds(token.expiresAt),
          proxyEndpoint: this.#o.proxyEndpoint,
        },
      ],
    };
  }

  #repositoryJson(repo: EcrRepository) {
    return {
      repositoryArn: repo.arn,
      registryId: repo.registryId,
      repositoryName: repo.name,
      repositoryUri: repo.uri,
      createdAt: seconds(repo.createdAt),
      imageTagMutability: repo.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  #createRepository(input: JsonInput, caller: StoredCredentials) {
    const name = this.#repositoryName(input);
    this.#authorize(caller, 'ecr:CreateRepository', this.#o.registry.repositoryArn(name));
    const mutability = input.string('imageTagMutability') ?? 'MUTABLE';
    if (mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
      throw new EcrError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'`,
      );
    }
    const scanOnPush = input.object('imageScanningConfiguration')?.boolean('scanOnPush') ?? false;
    const encryption = input.object('encryptionConfiguration')?.string('encryptionType');
    if (encryption !== undefined && encryption !== 'AES256') {
      throw new EcrError(
        'InvalidParameterException',
        `Invalid parameter at 'encryptionType' failed to satisfy constraint: 'only AES256 is available here'`,
      );
    }
    const tags = (input.list('tags') ?? []).map((t, i) => {
      const tag = new JsonInput(t);
      const Key = tag.string('Key');
      const Value = tag.string('Value');
      if (Key === undefined || Value === undefined)
        throw new EcrError('InvalidTagParameterException', `tags[${i}] needs Key and Value`);
      return { Key, Value };
    });
    const repo = this.#o.registry.createRepository({ name, imageTagMutability: mutability, scanOnPush, tags });
    return { repository: this.#repositoryJson(repo) };
  }

  #describeRepositories(input: JsonInput, caller: StoredCredentials) {
    const names = input.stringList('repositoryNames');
    if (names !== undefined) {
      if (names.length === 0 || names.length > 100) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length less than or equal to 100 and greater than or equal to 1'",
        );
      }
      if (input.string('nextToken') !== undefined || input.number('maxResults') !== undefined) {
        throw new EcrError(
          'InvalidParameterException',
          'Cannot specify nextToken or maxResults together with repositoryNames.',
        );
      }
      const repos = names.map((name) => {
        const problem = repositoryNameProblem(name);
        if (problem) throw new EcrError('InvalidParameterException', problem);
        this.#authorize(caller, 'ecr:DescribeRepositories', this.#o.registry.repositoryArn(name));
        return this.#o.registry.requireRepository(name);
      });
      return { repositories: repos.map((r) => this.#repositoryJson(r)) };
    }
    this.#authorize(caller, 'ecr:DescribeRepositories', this.#o.registry.repositoryArn('*'));
    const all = this.#o.registry.listRepositories();
    const offset = pageOffset(input.string('nextToken'));
    const limit = maxResults(input, 1000, 100);
    const page = all.slice(offset, offset + limit);
    return {
      repositories: page.map((r) => this.#repositoryJson(r)),
      ...(offset + limit < all.length ? { nextToken: pageToken(offset + limit) } : {}),
    };
  }

  #imageDetail(repo: EcrRepository, image: EcrImage) {
    const tags = this.#o.registry.tagsOf(repo, image.digest);
    const scan = this.#o.registry.scanState(repo, image);
    return {
      registryId: repo.registryId,
      repositoryName: repo.name,
      imageDigest: image.digest,
      ...(tags.length > 0 ? { imageTags: tags } : {}),
      imageSizeInBytes: image.sizeInBytes,
      imagePushedAt: seconds(image.pushedAt),
      imageManifestMediaType: image.mediaType,
      ...(image.configMediaType !== undefined ? { artifactMediaType: image.configMediaType } : {}),
      ...(scan
        ? {
            imageScanStatus:
              scan.status === 'COMPLETE'
                ? { status: 'COMPLETE', description: 'The scan was completed successfully.' }
                : { status: 'IN_PROGRESS', description: 'The scan is in progress.' },
          }
        : {}),
      ...(scan?.status === 'COMPLETE'
        ? {
            imageScanFindingsSummary: {
              imageScanCompletedAt: seconds(scan.completedAt),
              vulnerabilitySourceUpdatedAt: seconds(scan.startedAt),
              findingSeverityCounts: severityCounts(scan.findings),
            },
          }
        : {}),
    };
  }

  #describeImages(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:DescribeImages');
    const ids = input.list('imageIds');
    if (ids !== undefined) {
      if (ids.length === 0 || ids.length > 100) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100 and greater than or equal to 1'",
        );
      }
      const details = ids.map((raw, i) => {
        const id = imageIdOf(raw, `imageIds[${i}]`);
        if (id.imageTag === undefined && id.imageDigest === undefined) {
          throw new EcrError(
            'InvalidParameterException',
            'Invalid parameter: both imageTag and imageDigest cannot be null',
          );
        }
        const image = this.#o.registry.resolve(repo, id);
        if (!image) throw this.#imageNotFound(repo, id);
        return this.#imageDetail(repo, image);
      });
      return { imageDetails: details };
    }
    const status = input.object('filter')?.string('tagStatus') ?? 'ANY';
    if (status !== 'ANY' && status !== 'TAGGED' && status !== 'UNTAGGED') {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'",
      );
    }
    const all = [...repo.images.values()].filter((image) => {
      const tagged = this.#o.registry.tagsOf(repo, image.digest).length > 0;
      return status === 'ANY' || (status === 'TAGGED') === tagged;
    });
    const offset = pageOffset(input.string('nextToken'));
    const limit = maxResults(input, 1000, 100);
    return {
      imageDetails: all.slice(offset, offset + limit).map((image) => this.#imageDetail(repo, image)),
      ...(offset + limit < all.length ? { nextToken: pageToken(offset + limit) } : {}),
    };
  }

  #listImages(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:ListImages');
    const ids: ImageId[] = [];
    for (const image of repo.images.values()) {
      const tags = this.#o.registry.tagsOf(repo, image.digest);
      if (tags.length === 0) ids.push({ imageDigest: image.digest });
      for (const tag of tags) ids.push({ imageDigest: image.digest, imageTag: tag });
    }
    const offset = pageOffset(input.string('nextToken'));
    const limit = maxResults(input, 1000, 100);
    return {
      imageIds: ids.slice(offset, offset + limit),
      ...(offset + limit < ids.length ? { nextToken: pageToken(offset + limit) } : {}),
    };
  }

  #batchGetImage(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:BatchGetImage');
    const ids = input.list('imageIds');
    if (ids === undefined || ids.length === 0 || ids.length > 100) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100 and greater than or equal to 1'",
      );
    }
    const accepted = input.stringList('acceptedMediaTypes');
    const images: unknown[] = [];
    const failures: unknown[] = [];
    ids.forEach((raw, i) => {
      const id = imageIdOf(raw, `imageIds[${i}]`);
      if (id.imageTag === undefined && id.imageDigest === undefined) {
        failures.push({
          imageId: id,
          failureCode: 'MissingDigestAndTag',
          failureReason: 'Invalid request parameters: both tag and digest cannot be null',
        });
        return;
      }
      if (id.imageDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(id.imageDigest)) {
        failures.push({
          imageId: id,
          failureCode: 'InvalidImageDigest',
          failureReason: 'Invalid request parameters: image digest should satisfy the regex',
        });
        return;
      }
      const image = this.#o.registry.resolve(repo, id);
      if (!image) {
        const tagged = id.imageTag !== undefined && id.imageDigest !== undefined && repo.tags.has(id.imageTag);
        failures.push({
          imageId: id,
          failureCode: tagged ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound',
          failureReason: tagged
            ? 'Invalid request parameters: given tag does not map to the given digest'
            : 'Requested image not found',
        });
        return;
      }
      if (accepted !== undefined && !accepted.includes(image.mediaType)) {
        failures.push({
          imageId: id,
          failureCode: 'ImageNotFound',
          failureReason: `Requested image not found in any of the accepted media types (${image.mediaType})`,
        });
        return;
      }
      images.push({
        registryId: repo.registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: image.digest, ...(id.imageTag !== undefined ? { imageTag: id.imageTag } : {}) },
        imageManifest: image.manifest.toString('utf8'),
        imageManifestMediaType: image.mediaType,
      });
    });
    return { images, failures };
  }

  async #putImage(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:PutImage');
    const manifest = input.requiredString('imageManifest');
    if (manifest.length < 1 || manifest.length > 4_194_304) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length less than or equal to 4194304'",
      );
    }
    const bytes = Buffer.from(manifest, 'utf8');
    const tag = input.string('imageTag');
    const givenDigest = input.string('imageDigest');
    const mediaTypeParameter = input.string('imageManifestMediaType');
    const digest = sha256Digest(bytes);
    if (givenDigest !== undefined && givenDigest !== digest) {
      throw new EcrError(
        'ImageDigestDoesNotMatchException',
        `The provided image digest '${givenDigest}' does not match the digest '${digest}' that Amazon ECR calculated for the image.`,
      );
    }
    const existing = tag !== undefined ? repo.tags.get(tag) : repo.images.has(digest) ? digest : undefined;
    if (existing === digest) {
      throw new EcrError(
        'ImageAlreadyExistsException',
        `Image with digest '${digest}' and tag '${tag ?? 'null'}' already exists in the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
      );
    }
    let result: Awaited<ReturnType<EcrRegistry['putManifest']>>;
    try {
      result = await this.#o.registry.putManifest(repo.name, tag ?? digest, bytes, {
        ...(mediaTypeParameter !== undefined ? { mediaTypeParameter, contentType: mediaTypeParameter } : {}),
      });
    } catch (error) {
      if (error instanceof TagImmutableError) throw new EcrError('ImageTagAlreadyExistsException', error.message);
      if (error instanceof ManifestRejectedError) throw new EcrError('InvalidParameterException', error.message);
      if (error instanceof ManifestReferenceError) {
        throw new EcrError(
          'InvalidParameterException',
          `Invalid parameter at 'imageTag' failed to satisfy constraint: '${error.message}'`,
        );
      }
      throw error;
    }
    if (!result.ok) {
      const text = result.body.toString('utf8');
      if (/MANIFEST_BLOB_UNKNOWN|BLOB_UNKNOWN/.test(text)) {
        const missing = [...text.matchAll(/sha256:[0-9a-f]{64}/g)].map((m) => m[0]);
        throw new EcrError(
          'LayersNotFoundException',
          `Layers with digests '[${[...new Set(missing)].join(', ')}]' required for pushing image into repository with name '${repo.name}' in the registry with id '${repo.registryId}' do not exist`,
        );
      }
      if (/MANIFEST_UNKNOWN/.test(text)) {
        throw new EcrError(
          'ReferencedImagesNotFoundException',
          `Manifests referenced by the image index do not exist in the repository with name '${repo.name}'`,
        );
      }
      throw new EcrError(
        'InvalidParameterException',
        `Invalid parameter at 'imageManifest' failed to satisfy constraint: '${text.trim()}'`,
      );
    }
    return {
      image: {
        registryId: repo.registryId,
        repositoryName: repo.name,
        imageId: { imageDigest: result.digest, ...(tag !== undefined ? { imageTag: tag } : {}) },
        imageManifest: manifest,
        imageManifestMediaType: result.image.mediaType,
      },
    };
  }

  #scannedImage(input: JsonInput, caller: StoredCredentials, action: string) {
    const repo = this.#repository(input, caller, action);
    const idInput = input.object('imageId');
    if (!idInput) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'imageId' failed to satisfy constraint: 'Member must not be null'",
      );
    }
    const id: ImageId = {};
    const t = idInput.string('imageTag');
    const d = idInput.string('imageDigest');
    if (t !== undefined) id.imageTag = t;
    if (d !== undefined) id.imageDigest = d;
    const image = this.#o.registry.resolve(repo, id);
    if (!image) throw this.#imageNotFound(repo, id);
    return { repo, id, image };
  }

  #describeImageScanFindings(input: JsonInput, caller: StoredCredentials) {
    const { repo, id, image } = this.#scannedImage(input, caller, 'ecr:DescribeImageScanFindings');
    const scan = this.#o.registry.scanState(repo, image);
    if (!scan) {
      throw new EcrError(
        'ScanNotFoundException',
        `Image scan does not exist for the image with '${formatImageId(id)}' in the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
      );
    }
    const imageId = { imageDigest: image.digest, ...(id.imageTag !== undefined ? { imageTag: id.imageTag } : {}) };
    const base = { registryId: repo.registryId, repositoryName: repo.name, imageId };
    if (scan.status === 'IN_PROGRESS') {
      return { ...base, imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is in progress.' } };
    }
    const offset = pageOffset(input.string('nextToken'));
    const limit = maxResults(input, 1000, 100);
    return {
      ...base,
      imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      imageScanFindings: {
        imageScanCompletedAt: seconds(scan.completedAt),
        vulnerabilitySourceUpdatedAt: seconds(scan.startedAt),
        findingSeverityCounts: severityCounts(scan.findings),
        findings: scan.findings.slice(offset, offset + limit).map((f) => ({
          name: f.name,
          severity: f.severity,
          ...(f.description !== undefined ? { description: f.description } : {}),
          ...(f.uri !== undefined ? { uri: f.uri } : {}),
          attributes: f.attributes ?? [],
        })),
      },
      ...(offset + limit < scan.findings.length ? { nextToken: pageToken(offset + limit) } : {}),
    };
  }

  #startImageScan(input: JsonInput, caller: StoredCredentials) {
    const { repo, id, image } = this.#scannedImage(input, caller, 'ecr:StartImageScan');
    this.#o.registry.startScan(image);
    return {
      registryId: repo.registryId,
      repositoryName: repo.name,
      imageId: { imageDigest: image.digest, ...(id.imageTag !== undefined ? { imageTag: id.imageTag } : {}) },
      imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is in progress.' },
    };
  }

  #putLifecyclePolicy(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:PutLifecyclePolicy');
    const text = input.requiredString('lifecyclePolicyText');
    validateLifecyclePolicy(text);
    repo.lifecyclePolicyText = text;
    return { registryId: repo.registryId, repositoryName: repo.name, lifecyclePolicyText: text };
  }

  #getLifecyclePolicy(input: JsonInput, caller: StoredCredentials) {
    const repo = this.#repository(input, caller, 'ecr:GetLifecyclePolicy');
    if (repo.lifecyclePolicyText === undefined) {
      throw new EcrError(
        'LifecyclePolicyNotFoundException',
        `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
      );
    }
    return {
      registryId: repo.registryId,
      repositoryName: repo.name,
      lifecyclePolicyText: repo.lifecyclePolicyText,
      lastEvaluatedAt: seconds(repo.lifecyclePolicyEvaluatedAt ?? repo.createdAt),
    };
  }
}
