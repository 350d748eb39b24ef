// The jar builder, daemonless like Jib: the base image's blobs as they are (linked, never
// recompressed), the application as reproducible layers, a config and an OCI manifest; written as
// an OCI layout and a deterministic tar of it. The digest depends only on the base image, the JAR,
// the settings and SOURCE_DATE_EPOCH.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Descriptor,
  type ImageManifest,
  LayoutWriter,
  type LoadedImage,
  MediaType,
  packLayout,
  writeDeterministicLayer,
} from '@bakeline/oci';
import { formatBytes, type Logger } from '@bakeline/toolkit';
import type { BakeResult, LayerReport } from '../bake-result.ts';
import { epochToIso } from '../image/oci-annotations.ts';
import { appLayout } from './app-layers.ts';
import { readJar } from './jar-contents.ts';
import { type AddedLayer, checkJarImageSettings, type JarImageSettings, jarImageConfig } from './jar-image-config.ts';

export interface JarBuildOptions {
  jarPath: string;
  base: LoadedImage;
  /** Written to `org.opencontainers.image.base.name`. */
  baseName?: string;
  /** Receives `layout/` and `image.tar` (replaced if present): a directory the caller owns; bake() gives a fresh one. */
  outputDir: string;
  sourceDateEpoch: number;
  settings: JarImageSettings;
  /** Manifest annotations (the OCI ones); also written as labels. */
  annotations: Record<string, string>;
  logger: Logger;
  /** Also write `image.tar` (default true). */
  archive?: boolean;
}

/** Docker schema 2 layer types have OCI equivalents with the same bytes. */
export function ociLayerMediaType(mediaType: string): string {
  switch (mediaType) {
    case MediaType.DockerLayerGzip:
    case MediaType.OciLayerGzip:
      return MediaType.OciLayerGzip;
    case 'application/vnd.docker.image.rootfs.diff.tar':
    case MediaType.OciLayer:
      return MediaType.OciLayer;
    default:
      throw new Error(`base image: layer media type ${mediaType} is not supported (foreign or non-tar layer)`);
  }
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function buildJarImage(options: JarBuildOptions): Promise<BakeResult> {
  const { logger, base } = options;
  checkJarImageSettings(options.settings);
  const jarSize = statSync(options.jarPath).size;
  const jar = await readJar(options.jarPath);
  const layoutDir = join(options.outputDir, 'layout');
  const archivePath = join(options.outputDir, 'image.tar');
  // the caller owns outputDir (bake() gives a fresh staging directory); a rerun replaces its own output
  rmSync(layoutDir, { recursive: true, force: true });
  rmSync(archivePath, { force: true });
  mkdirSync(options.outputDir, { recursive: true });
  try {
    const app = appLayout(jar, options.jarPath, jarSize);
    logger.info(`${options.jarPath}: ${app.kind} (${formatBytes(jarSize)}), ${app.layers.length} application layer(s)`);
    const writer = await LayoutWriter.create(layoutDir);

    const layers: Descriptor[] = [];
    const reports: LayerReport[] = [];
    for (const layer of base.manifest.layers) {
      await writer.copyBlobFrom(base.layoutDir, layer);
      const mediaType = ociLayerMediaType(layer.mediaType);
      layers.push({ mediaType, digest: layer.digest, size: layer.size });
      reports.push({ digest: layer.digest, size: layer.size, mediaType, origin: 'base' });
    }
    const added: AddedLayer[] = [];
    for (const spec of app.layers) {
      const written = await writeDeterministicLayer(spec.entries, {
        sourceDateEpoch: options.sourceDateEpoch,
        directory: layoutDir,
      });
      const descriptor = await writer
        .addBlobFile(written.path, MediaType.OciLayerGzip, written.compressed)
        .finally(() => rmSync(written.path, { force: true }));
      layers.push(descriptor);
      reports.push({
        digest: descriptor.digest,
        size: descriptor.size,
        mediaType: MediaType.OciLayerGzip,
        origin: 'new',
        createdBy: spec.createdBy,
      });
      added.push({ diffId: written.diffId, createdBy: spec.createdBy });
      logger.info(`layer ${spec.name}: ${descriptor.digest} (${formatBytes(descriptor.size)})`);
    }

    const labels = sorted({ ...options.annotations, ...(options.settings.labels ?? {}) });
    const config = jarImageConfig(base.config, {
      settings: { ...options.settings, labels },
      javaArgs: app.javaArgs,
      layers: added,
      created: epochToIso(options.sourceDateEpoch),
    });
    const configBlob = await writer.writeBlob(Buffer.from(JSON.stringify(config)), MediaType.OciConfig);
    const annotations = sorted({
      ...options.annotations,
      'org.opencontainers.image.base.digest': base.digest,
      ...(options.baseName ? { 'org.opencontainers.image.base.name': options.baseName } : {}),
    });
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configBlob.digest, size: configBlob.size },
      layers,
      annotations,
    };
    const manifestDescriptor = await writer.writeManifest(manifest);
    const archive = options.archive !== false;
    if (archive) await packLayout(layoutDir, archivePath);
    const size = configBlob.size + layers.reduce((sum, l) => sum + l.size, 0);
    return {
      digest: manifestDescriptor.digest,
      configDigest: configBlob.digest,
      layoutDir,
      ...(archive ? { archivePath } : {}),
      size,
      layers: reports,
      platform: platformOf(config),
      baseDigest: base.digest,
      labels: config.config?.Labels ?? {},
    };
  } finally {
    jar.close();
  }
}

function platformOf(config: { os: string; architecture: string; variant?: string }): string {
  return [config.os, config.architecture, ...(config.variant ? [config.variant] : [])].join('/');
}
