// A tiny base image as an OCI layout (one gzip layer made with GNU tar and gzip -n, a config with
// Env and a Cmd), for builder tests that need no debootstrap.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ImageConfig,
  LayoutWriter,
  type LoadedImage,
  MediaType,
  readLayoutImage,
  sha256Digest,
} from '@bakeline/oci';

export async function tinyBaseLayout(): Promise<LoadedImage> {
  const work = mkdtempSync(join(tmpdir(), 'bakeline-tinybase-'));
  const root = join(work, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=bakeline-tiny\n');
  const tar = join(work, 'layer.tar');
  execFileSync('tar', [
    '-C',
    root,
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-cf',
    tar,
    '.',
  ]);
  const tarBytes = readFileSync(tar);
  const gz = execFileSync('gzip', ['-n', '-c', tar]);
  const layoutDir = join(work, 'layout');
  const writer = await LayoutWriter.create(layoutDir);
  const layer = await writer.writeBlob(gz, MediaType.DockerLayerGzip);
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    created: '2020-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/usr/bin:/bin', 'JAVA_HOME=/usr/lib/jvm/x'],
      Cmd: ['/bin/bash'],
      Labels: { 'org.opencontainers.image.title': 'tiny' },
    },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(tarBytes)] },
    history: [{ created: '2020-01-01T00:00:00Z', created_by: 'tiny base' }],
  };
  const configBlob = await writer.writeBlob(Buffer.from(JSON.stringify(config)), MediaType.OciConfig);
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: configBlob.digest, size: configBlob.size },
    layers: [{ mediaType: MediaType.DockerLayerGzip, digest: layer.digest, size: layer.size }],
  });
  return readLayoutImage(layoutDir, { digest: manifest.digest });
}

/** The paths in a gzip layer blob of a layout, in tar order. */
export function layerPaths(layoutDir: string, digest: string): string[] {
  return execFileSync('tar', ['-tzf', join(layoutDir, 'blobs', 'sha256', digest.slice(7))], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');
}
