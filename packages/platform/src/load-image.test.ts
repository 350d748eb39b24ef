import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Digest,
  DigestMismatchError,
  type ImageConfig,
  LayoutWriter,
  MediaType,
  packLayout,
  writeDeterministicLayer,
} from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEngine, imageInspect } from '../test/fake-engine.ts';
import { DockerCli } from './docker-cli.ts';
import { ImageMismatchError, loadImage } from './load-image.ts';

const work = mkdtempSync(join(tmpdir(), 'platform-load-test-'));
let layout: string;
let digest: Digest;
let configDigest: Digest;
let layerPath: string;
const tag = () => `bakeline-platform-test/image:${digest.slice(7, 23)}`;

beforeAll(async () => {
  layout = join(work, 'layout');
  const writer = await LayoutWriter.create(layout);
  const layer = await writeDeterministicLayer(
    [{ path: 'hello.txt', type: 'file', mode: 0o644, data: new TextEncoder().encode('hello\n') }],
    { sourceDateEpoch: 1_700_000_000 },
  );
  const layerDescriptor = await writer.addBlobFile(layer.path, MediaType.OciLayerGzip, layer.compressed);
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    config: { User: '10001' },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  };
  const configDescriptor = await writer.writeJson(config, MediaType.OciConfig);
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: configDescriptor,
    layers: [layerDescriptor],
  });
  digest = manifest.digest;
  configDigest = configDescriptor.digest;
  layerPath = join(layout, 'blobs', 'sha256', layerDescriptor.digest.slice(7));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function engineWith(store: 'classic' | 'containerd', id: string) {
  const engine = new FakeEngine({ store, images: { [tag()]: imageInspect(id) } });
  return { engine, docker: new DockerCli({ exec: engine.exec }) };
}

describe('loadImage from a layout', () => {
  it('verifies, converts, loads, and checks that the image ID is the config digest on the classic store', async () => {
    const { engine, docker } = engineWith('classic', configDigest);
    const loaded = await loadImage(docker, { kind: 'layout', path: layout }, digest, work, silentLogger);
    expect(loaded).toMatchObject({ id: configDigest, digest, store: 'classic' });
    expect(engine.commands.map((c) => c.replace(/--input \S+/, '--input <archive>'))).toEqual([
      'docker info --format {{json .}}',
      `docker image inspect --format {{json .}} ${configDigest}`,
      'docker load --input <archive>',
      `docker image inspect --format {{json .}} ${tag()}`,
    ]);
  });

  it.each([
    ['classic', () => configDigest],
    ['containerd', () => digest],
  ] as const)('does not load again an image the %s engine holds by its ID', async (store, id) => {
    const engine = new FakeEngine({ store, images: { [id()]: imageInspect(id()) } });
    const loaded = await loadImage(
      new DockerCli({ exec: engine.exec }),
      { kind: 'layout', path: layout },
      digest,
      work,
      silentLogger,
    );
    expect(loaded).toMatchObject({ id: id(), digest, store });
    expect(engine.commands).toEqual([
      'docker info --format {{json .}}',
      `docker image inspect --format {{json .}} ${id()}`,
    ]);
  });

  it('loads when the engine answers the ID with another image', async () => {
    const engine = new FakeEngine({
      store: 'classic',
      images: { [configDigest]: imageInspect(digest), [tag()]: imageInspect(configDigest) },
    });
    const docker = new DockerCli({ exec: engine.exec });
    const loaded = await loadImage(docker, { kind: 'layout', path: layout }, digest, work, silentLogger);
    expect(loaded).toMatchObject({ id: configDigest });
    expect(engine.calls.map((c) => c.args[0])).toEqual(['info', 'image', 'load', 'image']);
  });

  it('expects the manifest digest as the image ID on the containerd store', async () => {
    const { docker } = engineWith('containerd', digest);
    await expect(
      loadImage(docker, { kind: 'layout', path: layout }, digest, work, silentLogger),
    ).resolves.toMatchObject({
      id: digest,
      store: 'containerd',
    });
  });

  it.each([
    ['classic', () => digest, () => configDigest, 'config'],
    ['containerd', () => configDigest, () => digest, 'manifest'],
  ] as const)(
    'fails on the %s store when the engine holds another image, naming both digests',
    async (store, held, expected, which) => {
      const { docker } = engineWith(store, held());
      const error = await loadImage(docker, { kind: 'layout', path: layout }, digest, work, silentLogger).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImageMismatchError);
      expect((error as Error).message).toBe(
        `the engine loaded ${held()}, but the manifest ${digest} names ${expected()} (on the ${store} image store the image ID is the ${which} digest)`,
      );
    },
  );

  it('refuses another digest before touching the engine', async () => {
    const { engine, docker } = engineWith('classic', configDigest);
    const other = `sha256:${'1'.repeat(64)}` as Digest;
    await expect(loadImage(docker, { kind: 'layout', path: layout }, other, work, silentLogger)).rejects.toThrow(
      DigestMismatchError,
    );
    expect(engine.calls).toEqual([]);
  });

  it('refuses a layout whose layer was altered before touching the engine', async () => {
    const copy = join(work, 'tampered');
    await packLayout(layout, join(work, 'copy.tar'));
    const { unpackLayout } = await import('@bakeline/oci');
    await unpackLayout(join(work, 'copy.tar'), copy);
    const layer = join(copy, 'blobs', 'sha256', layerPath.split('/').at(-1) ?? '');
    const bytes = readFileSync(layer);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    writeFileSync(layer, bytes);
    const { engine, docker } = engineWith('classic', configDigest);
    const error = await loadImage(docker, { kind: 'layout', path: copy }, digest, work, silentLogger).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(engine.calls).toEqual([]);
  });

  it('unpacks an archive of the layout, then takes the same path', async () => {
    const archive = join(work, 'image.oci.tar');
    await packLayout(layout, archive);
    const { engine, docker } = engineWith('classic', configDigest);
    await expect(
      loadImage(docker, { kind: 'archive', path: archive }, digest, work, silentLogger),
    ).resolves.toMatchObject({
      id: configDigest,
    });
    expect(engine.calls.map((c) => c.args[0])).toEqual(['info', 'image', 'load', 'image']);
  });

  it('needs a digest for a layout', async () => {
    const { docker } = engineWith('classic', configDigest);
    await expect(loadImage(docker, { kind: 'layout', path: layout }, undefined, work, silentLogger)).rejects.toThrow(
      'a digest is required with an image layout',
    );
  });
});

describe('loadImage from a registry', () => {
  const pinned = `sha256:${'a'.repeat(64)}` as Digest;
  const reference = `127.0.0.1:5000/ostock/licensing@${pinned}`;
  const withImage = (store: 'classic' | 'containerd', id: string, repoDigests: string[]) => {
    const engine = new FakeEngine({ store, images: { [reference]: imageInspect(id, {}, repoDigests) } });
    return { engine, docker: new DockerCli({ exec: engine.exec }) };
  };

  it('pulls by digest and checks that RepoDigests carry it', async () => {
    const { engine, docker } = withImage('classic', configDigestOf(), [`127.0.0.1:5000/ostock/licensing@${pinned}`]);
    await expect(loadImage(docker, { kind: 'image', reference }, undefined, work, silentLogger)).resolves.toMatchObject(
      {
        digest: pinned,
        id: configDigestOf(),
      },
    );
    expect(engine.commands).toEqual([
      `docker pull --quiet ${reference}`,
      'docker info --format {{json .}}',
      `docker image inspect --format {{json .}} ${reference}`,
    ]);
  });

  it('matches RepoDigests whose registry host differs only in case (host names are case-insensitive)', async () => {
    const upper = `Registry.Example.com:5000/ostock/licensing@${pinned}`;
    const engine = new FakeEngine({
      store: 'classic',
      images: { [upper]: imageInspect(configDigestOf(), {}, [`registry.example.com:5000/ostock/licensing@${pinned}`]) },
    });
    await expect(
      loadImage(
        new DockerCli({ exec: engine.exec }),
        { kind: 'image', reference: upper },
        undefined,
        work,
        silentLogger,
      ),
    ).resolves.toMatchObject({ digest: pinned });
  });

  it.each([
    [[`127.0.0.1:5000/other@${pinned}`], 'its RepoDigests for 127.0.0.1:5000/ostock/licensing are none'],
    [[`127.0.0.1:5000/ostock/licensing@sha256:${'b'.repeat(64)}`], `does not carry ${pinned}`],
  ])('fails when the pulled image does not carry the digest (%j)', async (repoDigests, message) => {
    const { docker } = withImage('classic', configDigestOf(), repoDigests);
    await expect(loadImage(docker, { kind: 'image', reference }, undefined, work, silentLogger)).rejects.toThrow(
      message,
    );
  });

  it('checks the image ID on the containerd store', async () => {
    const { docker } = withImage('containerd', configDigestOf(), [`127.0.0.1:5000/ostock/licensing@${pinned}`]);
    await expect(loadImage(docker, { kind: 'image', reference }, undefined, work, silentLogger)).rejects.toThrow(
      `on the containerd image store the ID is the manifest digest ${pinned}`,
    );
  });

  it('refuses a reference that is not pinned, or pinned to another digest, before pulling', async () => {
    const { engine, docker } = withImage('classic', configDigestOf(), []);
    await expect(
      loadImage(docker, { kind: 'image', reference: '127.0.0.1:5000/x:latest' }, undefined, work, silentLogger),
    ).rejects.toThrow('is not pinned by digest');
    await expect(
      loadImage(docker, { kind: 'image', reference }, `sha256:${'c'.repeat(64)}` as Digest, work, silentLogger),
    ).rejects.toThrow(`names ${pinned}, but 'digest' is sha256:${'c'.repeat(64)}`);
    expect(engine.calls).toEqual([]);
  });
});

function configDigestOf(): string {
  return `sha256:${'9'.repeat(64)}`;
}
