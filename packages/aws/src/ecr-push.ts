// Pushes the exact bytes of a verified image to ECR: registry login, repository (found or created
// IMMUTABLE with scan on push), mount sources among the registry's other repositories, blobs
// (HEAD, mount, bounded parallel upload) and the manifest by digest, tags that never move, the
// registry's digest checked, and optionally the scan. Tags already naming this digest are left
// alone, so a re-run on an IMMUTABLE repository passes.
import type { ECRClient } from '@aws-sdk/client-ecr';
import {
  type Digest,
  DigestMismatchError,
  type LoadedImage,
  type PushResult,
  pushImage,
  RegistryClient,
  type RegistryClientOptions,
} from '@bakeline/oci';
import { formatDuration, type Logger, silentLogger } from '@bakeline/toolkit';
import type { CredentialsProvider, MaskSecret } from './aws-credentials.ts';
import { createEcrClient } from './ecr-client.ts';
import { EcrLogin, type RegistryLogin } from './ecr-login.ts';
import { chooseMountSources, listOtherRepositories } from './ecr-mount-sources.ts';
import type { RegistryTarget } from './ecr-registry.ts';
import { type EnsuredRepository, ensureRepository } from './ecr-repository.ts';
import { findingsAtOrAbove, type ScanReport, type Severity, type SeverityCounts, waitForScan } from './ecr-scan.ts';
import { explainRegistryError } from './registry-errors.ts';

export interface EcrScanGate {
  timeoutMs: number;
  /** Findings at or above this severity block the image; 'none' only reports. */
  failOn: Severity | 'none';
}

export interface EcrPushOptions {
  image: LoadedImage;
  repository: string;
  tags: readonly string[];
  region: string;
  registry?: RegistryTarget;
  credentials: CredentialsProvider;
  /** ECR API endpoint override (the local cloud, LocalStack-like setups). */
  ecrEndpoint?: string;
  createRepository: boolean;
  lifecyclePolicy?: string;
  /** Wait for the scan and gate on it; undefined: do not wait. */
  scan?: EcrScanGate;
  /** Parallel blob uploads. */
  concurrency: number;
  mask: MaskSecret;
  logger?: Logger;
  /** Passed to the registry client (tests inject faults through fetch; a signal cancels the push). */
  registryOptions?: Pick<RegistryClientOptions, 'fetch' | 'retry' | 'chunkSize' | 'signal'>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface EcrPushResult extends PushResult {
  /** `host[:port]` of the registry. */
  registry: string;
  repositoryUri: string;
  /** `<registry>/<repository>@sha256:…` */
  imageUri: string;
  repository: EnsuredRepository;
  /** Repositories blobs were offered to be mounted from. */
  mountSources: string[];
  scan?: ScanReport;
  /** Counts at or above the gate's severity: non-empty means the image must not be deployed. */
  blocked: SeverityCounts;
  durationMs: number;
}

function registryClientFor(
  login: EcrLogin,
  first: RegistryLogin,
  host: string,
  options: EcrPushOptions,
  logger: Logger,
): RegistryClient {
  const clientOptions: RegistryClientOptions = {
    registry: host,
    credentials: async () => {
      const fresh = await login.get();
      return { username: fresh.username, password: fresh.password };
    },
    logger,
    ...options.registryOptions,
  };
  if (host === first.registry) clientOptions.insecure = first.endpoint.protocol === 'http:';
  return new RegistryClient(clientOptions);
}

async function mountSourcesFor(
  ecr: ECRClient,
  client: RegistryClient,
  options: EcrPushOptions,
  repository: EnsuredRepository,
  logger: Logger,
): Promise<string[]> {
  const { image } = options;
  const blobs = [...new Set([image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)])];
  const present = repository.created
    ? blobs.map(() => false)
    : await Promise.all(blobs.map((d) => client.hasBlob(options.repository, d as Digest).catch(() => false)));
  const missing = blobs.filter((_, i) => !present[i]);
  if (missing.length === 0) return [];
  const candidates = await listOtherRepositories(ecr, {
    repository: options.repository,
    logger,
    ...(options.registry?.registryId ? { registryId: options.registry.registryId } : {}),
  });
  const sources = await chooseMountSources(candidates, missing, (repo, digest) =>
    client.hasBlob(repo, digest as Digest),
  );
  for (const s of sources)
    logger.info(`mount source: ${s.repository} holds ${s.blobs} of the ${missing.length} missing blobs`);
  return sources.map((s) => s.repository);
}

/** The image's digest as the registry now answers for it and for each tag; throws unless every one equals it. */
async function checkLanded(client: RegistryClient, repository: string, digest: Digest, tags: readonly string[]) {
  const target = `${client.registry}/${repository}`;
  const answered = await client.resolveDigest(repository, digest);
  if (answered !== digest) {
    throw new Error(`ECR does not serve ${target}@${digest} after the push (it answered ${answered ?? 'not found'})`);
  }
  for (const tag of tags) {
    const tagged = await client.resolveDigest(repository, tag);
    if (tagged !== digest) throw new Error(`tag '${tag}' of ${target} names ${tagged ?? 'nothing'}, not ${digest}`);
  }
}

export async function pushImageToEcr(options: EcrPushOptions): Promise<EcrPushResult> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const started = now();
  const { image, repository: name } = options;
  const registryId = options.registry?.registryId;
  const ecr = createEcrClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.ecrEndpoint ? { endpoint: options.ecrEndpoint } : {}),
  });
  try {
    // credentials first: an STS refusal is reported as itself, before any ECR call
    await options.credentials();
    const login = new EcrLogin(ecr, { mask: options.mask, ...(registryId ? { registryId } : {}) });
    const first = await login.get();
    const host = options.registry?.host ?? first.registry;
    const repository = await ensureRepository(ecr, {
      name,
      create: options.createRepository,
      logger,
      ...(registryId ? { registryId } : {}),
      ...(options.lifecyclePolicy !== undefined ? { lifecyclePolicy: options.lifecyclePolicy } : {}),
    });
    const client = registryClientFor(login, first, host, options, logger);
    const target = `${host}/${name}`;
    // The blobs go up through @bakeline/oci's one upload path (monolithic PUT streamed from the
    // file by default, hashed as sent, Docker-Content-Digest checked); its auth retries every
    // concurrent first request after the challenge, so nothing has to learn it first.
    const already = await client.resolveDigest(name, image.digest).catch((error: unknown) => {
      throw explainRegistryError(error, target);
    });
    if (already) logger.info(`${target}@${image.digest} is already in the registry`);
    const mountFrom = await mountSourcesFor(ecr, client, options, repository, logger);

    let pushed: PushResult;
    try {
      pushed = await pushImage(client, image, {
        repository: name,
        tags: [...options.tags],
        mountFrom,
        concurrency: options.concurrency,
      });
      if (pushed.digest !== image.digest) throw new DigestMismatchError(`push ${target}`, image.digest, pushed.digest);
      await checkLanded(client, name, image.digest, options.tags);
    } catch (error: unknown) {
      throw explainRegistryError(error, target);
    }
    logger.info(
      `${target}@${image.digest}: ${pushed.uploadedBlobs.length} blobs uploaded, ${pushed.mountedBlobs.length} mounted, ${pushed.skippedBlobs.length} already there; ${formatDuration(now() - started)}`,
    );

    const result: EcrPushResult = {
      ...pushed,
      registry: host,
      repositoryUri: target,
      imageUri: `${target}@${image.digest}`,
      repository,
      mountSources: mountFrom,
      blocked: {},
      durationMs: 0,
    };
    if (options.scan) {
      const gate = options.scan;
      result.scan = await logger.group(`Scan of ${target}@${image.digest}`, () =>
        waitForScan(ecr, {
          repository: name,
          digest: image.digest,
          timeoutMs: gate.timeoutMs,
          start: !repository.scanOnPush,
          logger,
          ...(gate.failOn !== 'none' ? { listFrom: gate.failOn } : {}),
          ...(registryId ? { registryId } : {}),
          ...(options.sleep ? { sleep: options.sleep } : {}),
          ...(options.now ? { now: options.now } : {}),
        }),
      );
      if (gate.failOn !== 'none') result.blocked = findingsAtOrAbove(result.scan.counts, gate.failOn);
    }
    result.durationMs = now() - started;
    return result;
  } finally {
    ecr.destroy();
  }
}

/** The message a blocked image fails with: counts, then each finding listed. */
export function scanGateMessage(result: EcrPushResult, failOn: Severity): string {
  const counts = Object.entries(result.blocked)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const listed = (result.scan?.findings ?? [])
    .map(
      (f) =>
        `  ${f.severity} ${f.name}${f.package ? ` in ${f.package}${f.version ? ` ${f.version}` : ''}` : ''}${f.uri ? ` (${f.uri})` : ''}`,
    )
    .join('\n');
  return (
    `the scan of ${result.imageUri} found ${counts} (at or above ${failOn}); the image was pushed but must not be deployed` +
    (listed ? `:\n${listed}${result.scan?.truncated ? '\n  …' : ''}` : '')
  );
}
