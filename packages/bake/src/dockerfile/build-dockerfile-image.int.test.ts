// Integration: the dockerfile builder against the real engine (classic builder, then docker
// save), and every export path through the strict buildx stand-in (packages/docker/test).

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker, type ExportPath } from '@bakeline/docker';
import { verifyLayout } from '@bakeline/oci';
import { tinyBaseImage } from '@bakeline/test-fixtures';
import { execChecked, type Logger, silentLogger } from '@bakeline/toolkit';
import { beforeAll, describe, expect, test } from 'vitest';
import { type EngineCase, standInEngine } from '../../../docker/test/buildx-stand-in.ts';
import { buildDockerfileImage, type DockerfileBakeResult } from './build-dockerfile-image.ts';

const fixture = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'dockerfile-01');
const SDE = 1_700_000_000;
let base: string;

beforeAll(() => {
  base = tinyBaseImage();
});

/** A fresh copy of the fixture, its files stamped with `mtime` (as a checkout at another time would). */
function checkout(mtime: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'bakeline-ctx-')), 'ctx');
  cpSync(fixture, dir, { recursive: true });
  for (const file of ['Dockerfile', 'app.txt', 'conf/app.properties', 'conf'])
    utimesSync(join(dir, file), mtime, mtime);
  return dir;
}

function build(context: string, extra: { env?: Record<string, string | undefined>; logger?: Logger } = {}) {
  return buildDockerfileImage({
    context,
    dockerfile: join(context, 'Dockerfile'),
    buildArgs: { BASE_IMAGE: base },
    outputDir: mkdtempSync(join(tmpdir(), 'bakeline-out-')),
    sourceDateEpoch: SDE,
    annotations: { 'org.opencontainers.image.revision': 'a'.repeat(40) },
    labels: { 'com.example.team': 'licensing' },
    logger: silentLogger,
    noCache: true,
    ...extra,
  });
}

describe('dockerfile builder, classic path (no buildx here)', () => {
  test('two clean copies built without cache at different times give the same digest', async () => {
    const first = await build(checkout(1_750_000_000));
    await new Promise((r) => setTimeout(r, 1100)); // the engine stamps created times in seconds
    const second = await build(checkout(1_760_000_000));
    expect(first.builder).toBe('classic');
    expect(second.digest).toBe(first.digest);
    expect(second.configDigest).toBe(first.configDigest);
    const image = await verifyLayout(first.layoutDir, first.digest);
    expect(image.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(image.manifest.annotations?.['org.opencontainers.image.revision']).toBe('a'.repeat(40));
    expect(image.config.created).toBe('2023-11-14T22:13:20Z');
    expect(image.config.config?.User).toBe('10001');
    expect(image.config.config?.Labels).toMatchObject({ 'com.example.team': 'licensing' });
    expect(image.config).not.toHaveProperty('container');
    expect(first.layers.map((l) => l.origin)).toEqual(['base', 'new', 'new']);
  });

  test('a changed file changes the digest and only the layer that copies it', async () => {
    const a = await build(checkout(1_750_000_000));
    const changed = checkout(1_750_000_000);
    writeFileSync(join(changed, 'app.txt'), 'application v2\n');
    const b = await build(changed);
    expect(b.digest).not.toBe(a.digest);
    const differs = a.layers.map((l, i) => l.digest !== b.layers[i]?.digest);
    expect(differs).toEqual([false, true, false]);
  });

  test('the engine image store is detected and reported', async () => {
    const result = await build(checkout(1_750_000_000));
    const info = await execChecked('docker', ['info', '--format', '{{.Driver}}']);
    expect(result.engine.storageDriver).toBe(info.stdout.trim());
    expect(result.engine.imageStore).toBe('classic');
    expect(result.engine.imageIdIs).toBe('config-digest');
  });

  test('a failing build fails naming docker and its error', async () => {
    const ctx = checkout(1_750_000_000);
    writeFileSync(join(ctx, 'Dockerfile'), `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nCOPY missing.txt /x\n`);
    await expect(build(ctx)).rejects.toThrow(/docker build .*failed with exit code 1[\s\S]*missing\.txt/);
  });
});

describe('dockerfile builder on each engine a runner can have (strict buildx stand-in)', () => {
  // The legacy builder and BuildKit record different history in the config (`/bin/sh -c #(nop)
  // COPY file:<hash> in ...` vs `COPY app.txt /app/app.txt # buildkit`), so each has its digest;
  // the layers are the same bytes on every path.
  let legacy: DockerfileBakeResult;
  let buildkit: DockerfileBakeResult;
  beforeAll(async () => {
    legacy = await build(checkout(1_750_000_000));
    const engine = standInEngine({ driver: 'docker-container', imageStore: 'classic' });
    buildkit = await build(checkout(1_750_000_000), { env: { ...process.env, ...engine.env } });
  });

  test("the argv of a Docker-exporter build is refused on the docker driver with the classic store, with buildx's text", async () => {
    const engine = standInEngine({ driver: 'docker', imageStore: 'classic' });
    const out = join(mkdtempSync(join(tmpdir(), 'bakeline-out-')), 'x.tar');
    const docker = new Docker({ env: { ...process.env, ...engine.env } });
    const spec = {
      context: checkout(1_750_000_000),
      dockerfile: 'Dockerfile',
      buildArgs: { BASE_IMAGE: base },
      labels: {},
      sourceDateEpoch: SDE,
    };
    await expect(docker.buildToArchive(spec, { path: 'buildx-archive', reason: '' }, out)).rejects.toThrow(
      'ERROR: Docker exporter is not supported for the docker driver.\nSwitch to a different driver, or turn on the containerd image store, and try again.\nLearn more at https://docs.docker.com/go/build-exporters/',
    );
  });

  test.each<[string, EngineCase, ExportPath, string]>([
    [
      'docker driver, classic store (GitHub-hosted Ubuntu)',
      { driver: 'docker', imageStore: 'classic' },
      'buildx-load',
      'builder: buildx 0.29.1-bakeline-stand-in (driver docker, classic image store: no Docker exporter) -> --load + docker save',
    ],
    [
      'docker driver, containerd store',
      { driver: 'docker', imageStore: 'containerd' },
      'buildx-archive',
      'builder: buildx 0.29.1-bakeline-stand-in (driver docker, containerd image store: the Docker exporter is available) -> --output type=docker,dest=<archive>',
    ],
    [
      'docker-container driver, classic store',
      { driver: 'docker-container', imageStore: 'classic' },
      'buildx-archive',
      'builder: buildx 0.29.1-bakeline-stand-in (driver docker-container, classic image store) -> --output type=docker,dest=<archive>',
    ],
    [
      'docker-container driver, containerd store',
      { driver: 'docker-container', imageStore: 'containerd' },
      'buildx-archive',
      'builder: buildx 0.29.1-bakeline-stand-in (driver docker-container, containerd image store) -> --output type=docker,dest=<archive>',
    ],
    [
      'no buildx, classic store',
      { imageStore: 'classic' },
      'classic',
      'builder: classic (no buildx; classic image store) -> docker build + docker save',
    ],
    [
      'no buildx, containerd store',
      { imageStore: 'containerd' },
      'classic',
      'builder: classic (no buildx; containerd image store) -> docker build + docker save',
    ],
  ])('%s: the working export, the reason printed, the same digest', async (_name, engineCase, path, reason) => {
    const engine = standInEngine(engineCase);
    const tagsBefore = new Set(temporaryTags()); // left by other runs on this shared engine
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => lines.push(m) };
    const result = await build(checkout(1_760_000_000), { env: { ...process.env, ...engine.env }, logger });
    expect(result.exportPath).toBe(path);
    expect(result.builder).toBe(path === 'classic' ? 'classic' : 'buildx');
    expect(result.engine.imageStore).toBe(engineCase.imageStore);
    expect(lines).toContain(reason);
    const expected = path !== 'classic' && engine.buildkit ? buildkit : legacy;
    expect(result.digest).toBe(expected.digest);
    expect(result.layers.map((l) => l.digest)).toEqual(legacy.layers.map((l) => l.digest));
    await verifyLayout(result.layoutDir, result.digest);
    expect(temporaryTags().filter((tag) => !tagsBefore.has(tag))).toEqual([]);
  });
});

/** The engine's temporary tags of bakes and of the buildx stand-in. */
function temporaryTags(): string[] {
  return execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((r) => r.startsWith('bakeline-bake-tmp:') || r.startsWith('bakeline-buildx-stand-in:'));
}
