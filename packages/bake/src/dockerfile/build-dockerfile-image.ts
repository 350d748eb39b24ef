// The dockerfile builder: the Docker engine builds (through @bakeline/docker, by the export path
// this engine supports: a buildx archive, buildx --load then docker save, or the classic builder
// then docker save), the docker archive is converted to an OCI layout with every layer re-packed
// deterministically, and the config normalized; the manifest (OCI, with the annotations) is
// written by bakeline, so every path ends in the same tested code. Every line the engine prints
// goes through neutralizeWorkflowCommands: a Dockerfile's RUN output is not trusted.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Docker, type DockerBuildSpec, type DockerInfo, type ExportPath } from '@bakeline/docker';
import {
  type Descriptor,
  dockerArchiveToLayout,
  type ImageManifest,
  LayoutWriter,
  type LoadedImage,
  MediaType,
  packLayout,
} from '@bakeline/oci';
import { exec as defaultExec, type Exec, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { BakeResult, LayerReport } from '../bake-result.ts';
import { ociLayerMediaType } from '../jar/build-jar-image.ts';
import { finalStageBase } from './dockerfile-base.ts';

export interface DockerfileBuildOptions {
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** Receives `layout/` and `image.tar` (replaced if present): a directory the caller owns; bake() gives a fresh one. */
  outputDir: string;
  sourceDateEpoch: number;
  /** Manifest annotations (the OCI ones); also passed as labels. */
  annotations: Record<string, string>;
  labels: Record<string, string>;
  logger: Logger;
  exec?: Exec;
  /** The docker client (default `docker`). */
  docker?: string;
  /** Environment of the docker commands (default this process's), SOURCE_DATE_EPOCH added. */
  env?: Record<string, string | undefined>;
  /** Keeps re-packed layers (a base layer is then compressed once per machine). */
  layerCacheDir?: string;
  /** Where the engine's docker archive is written (default a temp dir, removed after). */
  workDir?: string;
  /**
   * The base image the Dockerfile builds on, as a layout (what BASE_IMAGE names in the engine):
   * the built image's layers with one of its diffIDs take its compressed blobs as they are,
   * instead of being re-packed and compressed again.
   */
  baseImage?: LoadedImage;
  /** Cancels the build: the running docker command is killed, temporary tags and files removed. */
  signal?: AbortSignal;
}

export type EngineInfo = DockerInfo;

export interface DockerfileBakeResult extends BakeResult {
  builder: 'buildx' | 'classic';
  /** How the docker archive was made (see @bakeline/docker chooseExport). */
  exportPath: ExportPath;
  engine: EngineInfo;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function buildDockerfileImage(options: DockerfileBuildOptions): Promise<DockerfileBakeResult> {
  const { logger } = options;
  const run = options.exec ?? defaultExec;
  const env = { ...(options.env ?? process.env), SOURCE_DATE_EPOCH: String(options.sourceDateEpoch) };
  const docker = new Docker({
    exec: run,
    ...(options.docker ? { command: options.docker } : {}),
    env,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const plan = await docker.exportPlan();
  const engine = plan.engine.info;
  logger.info(
    `engine ${engine.serverVersion}, ${engine.imageStore} image store (${engine.storageDriver}: image ID = ${engine.imageIdIs})`,
  );
  logger.info(plan.reason);
  const labels = sorted({ ...options.annotations, ...options.labels });
  const spec: DockerBuildSpec = {
    context: options.context,
    dockerfile: options.dockerfile,
    buildArgs: options.buildArgs,
    labels,
    sourceDateEpoch: options.sourceDateEpoch,
    ...(options.target ? { target: options.target } : {}),
    ...(options.noCache ? { noCache: true } : {}),
  };
  const layoutDir = join(options.outputDir, 'layout');
  const archivePath = join(options.outputDir, 'image.tar');
  // the caller owns outputDir (bake() gives a fresh staging directory); a rerun replaces its own output
  rmSync(layoutDir, { recursive: true, force: true });
  rmSync(archivePath, { force: true });
  mkdirSync(options.outputDir, { recursive: true });
  const work = options.workDir ?? mkdtempSync(join(options.outputDir, '.bake-'));
  mkdirSync(work, { recursive: true });
  const dockerArchive = join(work, 'docker-archive.tar');
  const converted = join(work, 'converted');
  const title = {
    'buildx-archive': 'docker buildx build',
    'buildx-load': 'docker buildx build --load, then docker save',
    classic: 'docker build (classic builder), then docker save',
  }[plan.path];
  try {
    await logger.group(title, () =>
      docker.buildToArchive(spec, plan, dockerArchive, {
        onLine: (line) => logger.info(neutralizeWorkflowCommands(line)),
        tempRepository: 'bakeline-bake-tmp',
      }),
    );
    options.signal?.throwIfAborted();
    const baseDiffIds = await finalStageBaseDiffIds(options, docker);
    // re-packs every layer deterministically and makes the config reproducible (times =
    // SOURCE_DATE_EPOCH, the builder container, parent ID and daemon version dropped); the layers
    // above the base get every mtime = SOURCE_DATE_EPOCH, whatever the engine's cache handed back
    const image = await logger.group(
      'convert to OCI layout (base layers reused, new layers re-packed deterministically)',
      () =>
        dockerArchiveToLayout(dockerArchive, converted, {
          sourceDateEpoch: options.sourceDateEpoch,
          logger,
          ...(options.layerCacheDir ? { cacheDir: options.layerCacheDir } : {}),
          ...(options.baseImage ? { reuseLayersFrom: [options.baseImage] } : {}),
          baseDiffIds,
        }),
    );
    rmSync(dockerArchive, { force: true });
    const config = image.config;
    options.signal?.throwIfAborted();
    const writer = await LayoutWriter.create(layoutDir);
    const { baseLayerCount } = image;
    const layers: Descriptor[] = [];
    const reports: LayerReport[] = [];
    for (const [index, layer] of image.manifest.layers.entries()) {
      await writer.copyBlobFrom(converted, layer);
      const mediaType = ociLayerMediaType(layer.mediaType);
      layers.push({ mediaType, digest: layer.digest, size: layer.size });
      reports.push({
        digest: layer.digest,
        size: layer.size,
        mediaType,
        origin: index < baseLayerCount ? 'base' : 'new',
      });
    }
    await writer.copyBlobFrom(converted, image.manifest.config);
    const configBlob = { digest: image.configDigest, size: image.manifest.config.size };
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configBlob.digest, size: configBlob.size },
      layers,
      annotations: sorted(options.annotations),
    };
    const written = await writer.writeManifest(manifest);
    await packLayout(layoutDir, archivePath);
    return {
      digest: written.digest,
      configDigest: configBlob.digest,
      layoutDir,
      archivePath,
      size: configBlob.size + layers.reduce((sum, l) => sum + l.size, 0),
      layers: reports,
      platform: [config.os, config.architecture].join('/'),
      labels: config.config?.Labels ?? {},
      builder: plan.path === 'classic' ? 'classic' : 'buildx',
      exportPath: plan.path,
      engine,
    };
  } finally {
    if (options.workDir === undefined) rmSync(work, { recursive: true, force: true });
    else rmSync(converted, { recursive: true, force: true });
  }
}

/**
 * The diff IDs of the final stage's base as the engine holds it after the build ([] for FROM
 * scratch, or a base the engine cannot name: then every layer counts as the build's).
 */
async function finalStageBaseDiffIds(options: DockerfileBuildOptions, docker: Docker): Promise<string[]> {
  const base = finalStageBase(readFileSync(options.dockerfile, 'utf8'), options.buildArgs);
  if (!base) return [];
  const inspected = await docker.inspectImage(base).catch(() => undefined);
  return inspected?.layers ?? [];
}
