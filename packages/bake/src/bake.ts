// One entry for the action and the local pipeline: resolve the base image, run the chosen
// builder, return the image's identity. Inputs arrive validated and typed.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Docker } from '@bakeline/docker';
import type { LoadedImage, RegistryCredentials } from '@bakeline/oci';
import type { Exec, Logger } from '@bakeline/toolkit';
import type { BakeResult } from './bake-result.ts';
import { buildDockerfileImage, type DockerfileBakeResult } from './dockerfile/build-dockerfile-image.ts';
import { buildJarImage } from './jar/build-jar-image.ts';
import type { JarImageSettings } from './jar/jar-image-config.ts';
import { loadLayoutIntoDocker } from './jre-base-image/load-into-docker.ts';
import { createStaging, publishRun } from './output/run-output.ts';
import { dockerConfigCredentials } from './user-base-image/docker-config-credentials.ts';
import {
  type BaseImageSource,
  type ResolveBaseOptions,
  resolveBaseImage,
} from './user-base-image/resolve-base-image.ts';

interface CommonRequest {
  /** Each run writes `bake-<short digest>/` (layout/ and image.tar) here; nothing in it is replaced or deleted. */
  outputDir: string;
  /** Cancels the bake: running commands are killed, scratch files and temporary tags removed. */
  signal?: AbortSignal;
  sourceDateEpoch: number;
  /** OCI annotations for the manifest (also labels). */
  annotations: Record<string, string>;
  labels: Record<string, string>;
  logger: Logger;
  /** Given credentials for the base image's registry; else docker's config.json. */
  baseCredentials?: RegistryCredentials;
  dockerConfigPath: string;
  /** Where pulled base images are kept by digest. */
  pullCacheDir: string;
  exec?: Exec;
  client?: ResolveBaseOptions['client'];
}

export interface JarBakeRequest extends CommonRequest {
  builder: 'jar';
  jarPath: string;
  base: BaseImageSource;
  settings: JarImageSettings;
}

export interface DockerfileBakeRequest extends CommonRequest {
  builder: 'dockerfile';
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  noCache?: boolean;
  /** Keeps re-packed engine layers by their source (a base layer is compressed once per machine). */
  layerCacheDir?: string;
  /** Passed as the build argument BASE_IMAGE (a layout is loaded into the engine first). */
  base?: BaseImageSource;
  env?: Record<string, string | undefined>;
}

export type BakeRequest = JarBakeRequest | DockerfileBakeRequest;

export interface BakeOutcome extends BakeResult {
  builder: 'jar' | 'dockerfile-buildx' | 'dockerfile-classic';
  /** The base image as resolved (reference pinned by digest, or layout path). */
  baseName?: string;
  /** False when a tag was resolved to a digest by this build. */
  basePinned: boolean;
  engine?: DockerfileBakeResult['engine'];
  /** How the dockerfile builder made the docker archive. */
  exportPath?: DockerfileBakeResult['exportPath'];
  /** The run's directory, `<outputDir>/bake-<short digest>`. */
  runDir: string;
}

/** Loads the image into the engine under `tag`, unless the tag already names it (its ID is the config or the manifest digest). */
async function ensureInDocker(image: LoadedImage, tag: string, exec: Exec | undefined): Promise<void> {
  const inspected = await new Docker(exec ? { exec } : {}).inspectImage(tag);
  const id = inspected?.id;
  if (id === image.configDigest || id === image.digest) return;
  await loadLayoutIntoDocker(image.layoutDir, image.digest, tag, { ...(exec ? { exec } : {}) });
}

export async function bake(request: BakeRequest): Promise<BakeOutcome> {
  request.signal?.throwIfAborted();
  const staging = createStaging(request.outputDir);
  try {
    const result = await bakeInto({ ...request, outputDir: staging });
    request.signal?.throwIfAborted();
    const runDir = await publishRun(staging, request.outputDir, result.digest);
    request.logger.info(`written to ${runDir}`);
    return {
      ...result,
      layoutDir: join(runDir, 'layout'),
      ...(result.archivePath ? { archivePath: join(runDir, 'image.tar') } : {}),
      runDir,
    };
  } finally {
    // gone already once published; on failure or cancellation, this run's partial output
    rmSync(staging, { recursive: true, force: true });
  }
}

async function bakeInto(request: BakeRequest): Promise<Omit<BakeOutcome, 'runDir'>> {
  const credentials = async (registry: string) =>
    request.baseCredentials ??
    dockerConfigCredentials(registry, {
      configPath: request.dockerConfigPath,
      ...(request.exec ? { exec: request.exec } : {}),
    });
  const resolveOptions: ResolveBaseOptions = {
    logger: request.logger,
    pullCacheDir: request.pullCacheDir,
    credentials,
    ...(request.client ? { client: request.client } : {}),
  };
  if (request.builder === 'jar') {
    const base = await resolveBaseImage(request.base, resolveOptions);
    request.signal?.throwIfAborted();
    request.logger.info(`base image ${base.name} (${base.image.digest})`);
    const result = await buildJarImage({
      jarPath: request.jarPath,
      base: base.image,
      ...(base.reference ? { baseName: base.reference } : {}),
      outputDir: request.outputDir,
      sourceDateEpoch: request.sourceDateEpoch,
      settings: { ...request.settings, labels: { ...request.labels, ...(request.settings.labels ?? {}) } },
      annotations: request.annotations,
      logger: request.logger,
    });
    return { ...result, builder: 'jar', baseName: base.name, basePinned: base.pinned };
  }

  const buildArgs = { ...request.buildArgs };
  let baseName: string | undefined;
  let baseReference: string | undefined;
  let basePinned = true;
  let baseDigest: BakeResult['baseDigest'];
  let baseImage: LoadedImage | undefined;
  if (request.base) {
    // a layout, or a registry reference pulled (by digest, verified, cached) by bakeline: either
    // way the engine builds on exactly these bytes, loaded under a tag naming the digest, and the
    // built image's base layers keep the base's compressed blobs (nothing compressed again)
    const base = await resolveBaseImage(request.base, resolveOptions);
    const tag = `bakeline-base:${base.image.digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
    request.signal?.throwIfAborted();
    await ensureInDocker(base.image, tag, request.exec);
    request.signal?.throwIfAborted();
    buildArgs.BASE_IMAGE = tag;
    baseName = base.name;
    baseReference = base.reference;
    basePinned = base.pinned;
    baseDigest =
      request.base.kind === 'registry' ? (request.base.reference.digest ?? base.image.digest) : base.image.digest;
    baseImage = base.image;
    request.logger.info(`base image ${base.name} (${base.image.digest}) as ${tag}`);
  }
  const result = await buildDockerfileImage({
    context: request.context,
    dockerfile: existsSync(request.dockerfile) ? request.dockerfile : join(request.context, 'Dockerfile'),
    buildArgs,
    ...(request.noCache ? { noCache: true } : {}),
    ...(request.layerCacheDir ? { layerCacheDir: request.layerCacheDir } : {}),
    ...(baseImage ? { baseImage } : {}),
    outputDir: request.outputDir,
    sourceDateEpoch: request.sourceDateEpoch,
    annotations: {
      ...request.annotations,
      ...(baseDigest ? { 'org.opencontainers.image.base.digest': baseDigest } : {}),
      ...(baseReference ? { 'org.opencontainers.image.base.name': baseReference } : {}),
    },
    labels: request.labels,
    logger: request.logger,
    ...(request.exec ? { exec: request.exec } : {}),
    ...(request.env ? { env: request.env } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return {
    ...result,
    ...(baseDigest ? { baseDigest } : {}),
    builder: result.builder === 'buildx' ? 'dockerfile-buildx' : 'dockerfile-classic',
    ...(baseName ? { baseName } : {}),
    basePinned,
  };
}
