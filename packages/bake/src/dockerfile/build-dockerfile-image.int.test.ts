// Integration: the dockerfile builder against the real engine (classic builder, then docker
// save), and the buildx path through a stand-in buildx plugin that records its argv.
import { cpSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayoutImage, verifyLayout } from '@bakeline/oci';
import { execChecked, silentLogger } from '@bakeline/toolkit';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildxStandIn, tinyBaseImage } from '../../test/docker-fixtures.ts';
import { buildDockerfileImage } from './build-dockerfile-image.ts';

const fixture = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bake', 'dockerfile-01');
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

function build(context: string, extra: { env?: Record<string, string | undefined> } = {}) {
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

describe('dockerfile builder, buildx path (stand-in plugin)', () => {
  test('calls buildx build with no provenance, no SBOM, a docker archive output and SOURCE_DATE_EPOCH', async () => {
    const standIn = buildxStandIn(base);
    const context = checkout(1_750_000_000);
    const result = await build(context, { env: { ...process.env, DOCKER_CONFIG: standIn.dockerConfig } });
    expect(result.builder).toBe('buildx');
    const calls = standIn.calls();
    expect(calls[0]).toEqual(['buildx', 'version']);
    const argv = calls.find((c) => c[1] === 'build') ?? [];
    expect(argv.slice(0, 5)).toEqual(['buildx', 'build', '--provenance=false', '--sbom=false', '--output']);
    expect(argv[5]).toMatch(/^type=docker,dest=\/.+\.tar$/);
    expect(argv).toContain(`SOURCE_DATE_EPOCH=${SDE}`);
    expect(argv).toContain(`BASE_IMAGE=${base}`);
    expect(argv).toContain('--no-cache');
    expect(argv.at(-1)).toBe(context);
    expect(standIn.sourceDateEpochs().at(-1)).toBe(String(SDE));
    // the archive the plugin wrote went through the same conversion
    const image = await readLayoutImage(result.layoutDir);
    expect(image.digest).toBe(result.digest);
    expect(readFileSync(join(result.layoutDir, 'oci-layout'), 'utf8')).toContain('1.0.0');
  });
});
