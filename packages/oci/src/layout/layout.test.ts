import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import type { ImageConfig, ImageManifest } from '../image-types.ts';
import { MediaType } from '../media-types.ts';
import { blobPath } from './layout-paths.ts';
import { readLayoutImage, verifyLayout } from './layout-read.ts';
import { LayoutWriter } from './layout-writer.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oci-layout-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function writeImage(dir: string) {
  const writer = await LayoutWriter.create(dir);
  const layer = await writer.writeBlob(Readable.from([Buffer.from('layer-')]), MediaType.OciLayerGzip);
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [sha256Digest('diff')] },
  };
  const configDescriptor = await writer.writeJson(config, MediaType.OciConfig);
  const manifest: ImageManifest = {
    layers: [layer],
    config: configDescriptor,
    mediaType: MediaType.OciManifest,
    schemaVersion: 2,
  };
  const descriptor = await writer.writeManifest(manifest, { 'org.opencontainers.image.ref.name': 'v1' });
  return { writer, layer, configDescriptor, descriptor };
}

describe('OCI layout', () => {
  it('writes a layout that reads back with the manifest in canonical key order', async () => {
    const dir = tempDir();
    const { layer, descriptor, configDescriptor } = await writeImage(dir);
    expect(readFileSync(join(dir, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([
      {
        mediaType: MediaType.OciManifest,
        digest: descriptor.digest,
        size: descriptor.size,
        annotations: { 'org.opencontainers.image.ref.name': 'v1' },
      },
    ]);
    const image = await readLayoutImage(dir);
    expect(image.digest).toBe(descriptor.digest);
    expect(image.configDigest).toBe(configDescriptor.digest);
    expect(image.manifest.layers).toEqual([layer]);
    expect(Buffer.from(image.manifestBytes).toString()).toMatch(/^\{"schemaVersion":2,"mediaType":"application/);
    expect(layer.digest).toBe(sha256Digest('layer-'));
  });

  it('verifies a sound layout and names both digests when a blob was altered', async () => {
    const dir = tempDir();
    const { layer, descriptor } = await writeImage(dir);
    await expect(verifyLayout(dir, descriptor.digest)).resolves.toMatchObject({ digest: descriptor.digest });
    writeFileSync(blobPath(dir, layer.digest), 'layer+');
    const error = await verifyLayout(dir, descriptor.digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).expected).toBe(layer.digest);
    expect((error as DigestMismatchError).actual).toBe(sha256Digest('layer+'));
    expect(String(error)).toContain(`expected ${layer.digest}, got ${sha256Digest('layer+')}`);
  });

  it('reports a layout that holds another image than the one expected', async () => {
    const dir = tempDir();
    const { descriptor } = await writeImage(dir);
    const wanted = sha256Digest('other');
    const error = await verifyLayout(dir, wanted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(String(error)).toContain(`expected ${wanted}, got ${descriptor.digest}`);
  });

  it('reports a missing blob by digest', async () => {
    const dir = tempDir();
    const { layer, descriptor } = await writeImage(dir);
    rmSync(blobPath(dir, layer.digest));
    await expect(verifyLayout(dir, descriptor.digest)).rejects.toThrow(`${layer.digest}: blob missing`);
  });

  it('rejects a directory that is no layout, naming it', async () => {
    const dir = tempDir();
    await expect(readLayoutImage(dir)).rejects.toThrow(`OCI layout '${dir}': expected a directory with oci-layout`);
  });

  it('keeps index entries of earlier manifests and asks for a digest when there are several', async () => {
    const dir = tempDir();
    const { writer, descriptor, configDescriptor } = await writeImage(dir);
    const second = await writer.writeManifest({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: configDescriptor,
      layers: [{ mediaType: MediaType.OciLayerGzip, digest: sha256Digest('layer-'), size: 6 }],
      annotations: { x: 'y' },
    });
    await expect(readLayoutImage(dir)).rejects.toThrow(/expected exactly one image manifest.*found 2/);
    expect((await readLayoutImage(dir, { digest: second.digest })).digest).toBe(second.digest);
    expect((await readLayoutImage(dir, { digest: descriptor.digest })).digest).toBe(descriptor.digest);
  });
});
