// The JRE base image for tests and the local pipeline: Debian packages through debootstrap, one
// layer, cached per machine under `<cacheDir>/<key>/` as an OCI layout. The key covers every
// input (suite, packages, mirror, architecture, this code's version). Built into a temp directory
// and renamed into place, under a lock, so parallel callers build it once and never see half a layout.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ImageConfig,
  LayoutWriter,
  MediaType,
  sha256Digest,
  verifyLayout,
  writeDeterministicLayer,
} from '@bakeline/oci';
import {
  exec as defaultExec,
  type Exec,
  execChecked,
  formatBytes,
  formatDuration,
  type Logger,
} from '@bakeline/toolkit';
import { findDebianMirror, readAptSources } from './apt-sources.ts';
import {
  BASE_IMAGE_CODE_VERSION,
  BASE_IMAGE_NAME,
  type BaseImageInputs,
  baseImageKey,
  DEFAULT_PACKAGES,
  DEFAULT_SUITE,
  ociArchitecture,
  shortKey,
} from './base-image-key.ts';
import { withLock } from './cache-lock.ts';
import { prepareRootfs } from './prepare-rootfs.ts';
import { rootfsEntries } from './rootfs-entries.ts';

export const DEFAULT_BASE_IMAGE_CACHE = '/var/cache/bakeline/base-images';
const METADATA_FILE = 'bakeline-base-image.json';

export interface EnsureBaseImageOptions {
  /** Default /var/cache/bakeline/base-images. */
  cacheDir?: string;
  logger: Logger;
  suite?: string;
  packages?: readonly string[];
  /** Default: the mirror apt's own sources use for `suite`. */
  mirror?: string;
  /** Where apt's sources live (default /etc/apt). */
  aptDir?: string;
  exec?: Exec;
  now?: () => number;
  lockTimeoutMs?: number;
}

export interface BaseImage {
  layoutDir: string;
  /** Manifest digest. */
  digest: `sha256:${string}`;
  /** Config digest: the image ID once loaded into a classic image store. */
  configDigest: `sha256:${string}`;
  key: string;
  /** `bakeline/jre17-base:<short key>`: how it is tagged when loaded into the engine. */
  tag: string;
  javaHome: string;
  inputs: BaseImageInputs;
  /** True when this call built it (false: taken from the cache). */
  built: boolean;
  /** How long the build took (recorded at build time). */
  buildMs: number;
  /** Compressed size of the layer. */
  layerSize: number;
}

interface Metadata {
  key: string;
  inputs: BaseImageInputs;
  digest: `sha256:${string}`;
  configDigest: `sha256:${string}`;
  javaHome: string;
  builtAt: string;
  buildMs: number;
  layerSize: number;
}

function blobPath(layoutDir: string, digest: string): string {
  return join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/**
 * The cached image, if its layout is complete and bound to the digest it is filed under: the
 * manifest hashes to the recorded digest, and the config and every layer hash to their names
 * (a blob changed in place, even at the same size, makes it a miss, and the image is rebuilt).
 */
async function readCached(layoutDir: string): Promise<Metadata | undefined> {
  const metadata = readCachedMetadata(layoutDir);
  if (!metadata) return undefined;
  const verified = await verifyLayout(layoutDir, metadata.digest).then(
    (image) => image.configDigest === metadata.configDigest,
    () => false,
  );
  return verified ? metadata : undefined;
}

/** The metadata, if every blob of the manifest is present with its size. */
function readCachedMetadata(layoutDir: string): Metadata | undefined {
  const metadataPath = join(layoutDir, METADATA_FILE);
  if (!existsSync(metadataPath)) return undefined;
  try {
    const metadata = JSON.parse(readFileSync(metadataPath, 'utf8')) as Metadata;
    const manifestBytes = readFileSync(blobPath(layoutDir, metadata.digest));
    if (sha256Digest(manifestBytes) !== metadata.digest) return undefined;
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
      config: { digest: string; size: number };
      layers: { digest: string; size: number }[];
    };
    for (const blob of [manifest.config, ...manifest.layers]) {
      if (statSync(blobPath(layoutDir, blob.digest), { throwIfNoEntry: false })?.size !== blob.size) return undefined;
    }
    return metadata;
  } catch {
    return undefined;
  }
}

function toBaseImage(layoutDir: string, metadata: Metadata, built: boolean): BaseImage {
  return {
    layoutDir,
    digest: metadata.digest,
    configDigest: metadata.configDigest,
    key: metadata.key,
    tag: `${BASE_IMAGE_NAME}:${shortKey(metadata.key)}`,
    javaHome: metadata.javaHome,
    inputs: metadata.inputs,
    built,
    buildMs: metadata.buildMs,
    layerSize: metadata.layerSize,
  };
}

export async function resolveBaseImageInputs(options: EnsureBaseImageOptions): Promise<BaseImageInputs> {
  const suite = options.suite ?? DEFAULT_SUITE;
  const mirror = options.mirror ?? findDebianMirror(readAptSources(options.aptDir), suite);
  const arch = await execChecked('dpkg', ['--print-architecture'], {}, options.exec ?? defaultExec);
  return {
    suite,
    variant: 'minbase',
    packages: [...(options.packages ?? DEFAULT_PACKAGES)],
    mirror,
    debianArchitecture: arch.stdout.trim(),
    codeVersion: BASE_IMAGE_CODE_VERSION,
  };
}

export async function ensureBaseImage(options: EnsureBaseImageOptions): Promise<BaseImage> {
  const cacheDir = options.cacheDir ?? DEFAULT_BASE_IMAGE_CACHE;
  const inputs = await resolveBaseImageInputs(options);
  const key = baseImageKey(inputs);
  const layoutDir = join(cacheDir, key);
  const cached = await readCached(layoutDir);
  if (cached) return toBaseImage(layoutDir, cached, false);

  mkdirSync(cacheDir, { recursive: true });
  return withLock(
    join(cacheDir, `${key}.lock`),
    async () => {
      const again = await readCached(layoutDir);
      if (again) return toBaseImage(layoutDir, again, false);
      // we hold the lock: leftovers of an earlier, interrupted build of this key are garbage
      for (const name of readdirSync(cacheDir)) {
        if (name.startsWith(`.tmp-${key}-`)) rmSync(join(cacheDir, name), { recursive: true, force: true });
      }
      rmSync(layoutDir, { recursive: true, force: true });
      const work = join(cacheDir, `.tmp-${key}-${process.pid}`);
      try {
        const metadata = await build(inputs, key, work, options);
        renameSync(join(work, 'layout'), layoutDir);
        return toBaseImage(layoutDir, metadata, true);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    {
      ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}),
      onWait: (owner) => options.logger.info(`base image ${shortKey(key)} is being built by ${owner}; waiting`),
    },
  );
}

async function build(
  inputs: BaseImageInputs,
  key: string,
  work: string,
  options: EnsureBaseImageOptions,
): Promise<Metadata> {
  const now = options.now ?? Date.now;
  const started = now();
  const { logger } = options;
  const rootfsDir = join(work, 'rootfs');
  const layoutDir = join(work, 'layout');
  logger.info(
    `building base image ${shortKey(key)} from ${inputs.mirror} (${inputs.suite}: ${inputs.packages.join(', ')})`,
  );

  const rootfs = await logger.group('debootstrap', () =>
    prepareRootfs(inputs, rootfsDir, { logger, ...(options.exec ? { exec: options.exec } : {}) }),
  );
  const sourceDateEpoch = Math.floor(now() / 1000);
  const created = new Date(sourceDateEpoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
  const writer = await LayoutWriter.create(layoutDir);
  const layer = await logger.group('layer', () =>
    writeDeterministicLayer(rootfsEntries(rootfs.dir), { sourceDateEpoch, directory: work }),
  );
  const layerBlob = await writer.addBlobFile(layer.path, MediaType.OciLayerGzip, layer.compressed);
  rmSync(rootfsDir, { recursive: true, force: true });
  logger.info(`layer ${layerBlob.digest} (${formatBytes(layerBlob.size)})`);

  const arch = ociArchitecture(inputs.debianArchitecture);
  const config: ImageConfig = {
    architecture: arch.architecture,
    ...(arch.variant ? { variant: arch.variant } : {}),
    os: 'linux',
    created,
    config: {
      Env: [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        `JAVA_HOME=${rootfs.javaHome}`,
        'LANG=C.UTF-8',
      ],
      Cmd: ['/bin/bash'],
      WorkingDir: '/',
      Labels: {
        'org.opencontainers.image.title': 'bakeline JRE base image',
        'org.opencontainers.image.description': `Debian ${inputs.suite} ${inputs.variant} with ${inputs.packages.join(', ')}`,
      },
    },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [
      {
        created,
        created_by: `debootstrap --variant=${inputs.variant} --include=${inputs.packages.join(',')} ${inputs.suite} ${inputs.mirror}`,
        comment: `bakeline base image (code version ${inputs.codeVersion})`,
      },
    ],
  };
  const configBlob = await writer.writeJson(config, MediaType.OciConfig);
  const manifest = await writer.writeManifest(
    {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configBlob.digest, size: configBlob.size },
      layers: [layerBlob],
    },
    { 'org.opencontainers.image.ref.name': shortKey(key) },
  );
  const digest = manifest.digest;
  const configDigest = configBlob.digest;
  const buildMs = now() - started;
  const metadata: Metadata = {
    key,
    inputs,
    digest,
    configDigest,
    javaHome: rootfs.javaHome,
    builtAt: created,
    buildMs,
    layerSize: layerBlob.size,
  };
  writeFileSync(join(layoutDir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
  logger.info(`base image ${shortKey(key)} built in ${formatDuration(buildMs)}: ${digest}`);
  return metadata;
}
