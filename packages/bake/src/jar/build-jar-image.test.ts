import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedImage, verifyLayout } from '@bakeline/oci';
import { layerPaths, makeFatJar, makePlainJar, tinyBaseLayout } from '@bakeline/test-fixtures';
import { silentLogger } from '@bakeline/toolkit';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildJarImage, type JarBuildOptions } from './build-jar-image.ts';

const SDE = 1_700_000_000;
let base: LoadedImage;
let plainJar: string;
let fatJar: string;

beforeAll(async () => {
  base = await tinyBaseLayout();
  plainJar = makePlainJar();
  fatJar = makeFatJar();
}, 120_000);

function options(jarPath: string, extra: Partial<JarBuildOptions> = {}): JarBuildOptions {
  return {
    jarPath,
    base,
    outputDir: mkdtempSync(join(tmpdir(), 'bakeline-jarout-')),
    sourceDateEpoch: SDE,
    settings: { ports: ['8080'], javaOptions: '-Xss512k' },
    annotations: {
      'org.opencontainers.image.revision': 'b'.repeat(40),
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
    },
    logger: silentLogger,
    ...extra,
  };
}

/** A copy of a file elsewhere with another mtime: same bytes, other machine-ish metadata. */
function copyElsewhere(path: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'bakeline-copy-')), 'renamed.jar');
  copyFileSync(path, copy);
  utimesSync(copy, 1_999_999_999, 1_999_999_999);
  return copy;
}

const sha = (path: string | undefined) =>
  createHash('sha256')
    .update(readFileSync(path ?? ''))
    .digest('hex');

describe('jar builder', () => {
  test('a plain JAR: base layers kept as they are, one application layer, an OCI manifest with mediaType', async () => {
    const result = await buildJarImage(options(plainJar));
    const image = await verifyLayout(result.layoutDir, result.digest);
    expect(image.manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(image.manifest.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
    expect(image.manifest.layers[0]?.digest).toBe(base.manifest.layers[0]?.digest);
    expect(result.layers.map((l) => l.origin)).toEqual(['base', 'new']);
    expect(layerPaths(result.layoutDir, result.layers[1]?.digest ?? '')).toEqual(['app/', 'app/app.jar']);
    expect(image.manifest.annotations).toMatchObject({
      'org.opencontainers.image.revision': 'b'.repeat(40),
      'org.opencontainers.image.base.digest': base.digest,
    });
    expect(image.config.created).toBe('2023-11-14T22:13:20Z');
    expect(image.config.config?.User).toBe('10001');
    expect(image.config.config?.Cmd).toBeUndefined();
    expect(image.config.config?.Env).toContain('JAVA_OPTS=-Xss512k');
    expect(image.config.config?.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(image.config.config?.Labels?.['org.opencontainers.image.revision']).toBe('b'.repeat(40));
    expect(image.configDigest).toBe(result.configDigest);
    expect(result.size).toBe(image.manifest.config.size + image.manifest.layers.reduce((s, l) => s + l.size, 0));
    expect(existsSync(result.archivePath ?? '')).toBe(true);
  });

  test('the same inputs from another path, mtime and output directory give the same digest and the same archive bytes', async () => {
    const a = await buildJarImage(options(plainJar));
    const b = await buildJarImage(options(copyElsewhere(plainJar)));
    expect(b.digest).toBe(a.digest);
    expect(sha(b.archivePath)).toBe(sha(a.archivePath));
  });

  test('one byte changed in the JAR: another digest, and only the application layer differs', async () => {
    const changed = copyElsewhere(plainJar);
    const bytes = readFileSync(changed);
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0xff;
    writeFileSync(changed, bytes);
    const a = await buildJarImage(options(plainJar));
    const b = await buildJarImage(options(changed));
    expect(b.digest).not.toBe(a.digest);
    expect(a.layers.map((l, i) => l.digest !== b.layers[i]?.digest)).toEqual([false, true]);
  });

  test('a Spring Boot fat JAR is split into a dependencies layer and an application layer', async () => {
    const result = await buildJarImage(options(fatJar));
    expect(result.layers.map((l) => [l.origin, l.createdBy?.includes('BOOT-INF/lib') ?? false])).toEqual([
      ['base', false],
      ['new', true],
      ['new', false],
    ]);
    const dependencies = layerPaths(result.layoutDir, result.layers[1]?.digest ?? '');
    const application = layerPaths(result.layoutDir, result.layers[2]?.digest ?? '');
    expect(dependencies).toEqual(['app/', 'app/BOOT-INF/', 'app/BOOT-INF/lib/', 'app/BOOT-INF/lib/greeting-1.0.jar']);
    expect(application).toContain('app/BOOT-INF/classes/com/example/app/Main.class');
    expect(application).toContain('app/META-INF/MANIFEST.MF');
    expect(application).toContain('app/bakeline/fixture/Launcher.class');
    expect(application.some((p) => p.startsWith('app/BOOT-INF/lib/'))).toBe(false);
    const image = await verifyLayout(result.layoutDir, result.digest);
    expect(image.config.config?.Entrypoint).toEqual([
      '/bin/sh',
      '-c',
      'exec java $JAVA_OPTS -cp /app bakeline.fixture.Launcher "$@"',
      'java',
    ]);
  });

  test('a code change in a fat JAR changes only the application layer', { timeout: 60_000 }, async () => {
    const a = await buildJarImage(options(fatJar));
    const b = await buildJarImage(options(makeFatJar({ message: 'fat jar app, version 2' })));
    expect(b.digest).not.toBe(a.digest);
    expect(a.layers.map((l, i) => l.digest !== b.layers[i]?.digest)).toEqual([false, false, true]);
  });

  test('a setting that would make an unsafe image fails before anything is written', async () => {
    const opts = options(plainJar, { settings: { env: { DB_PASSWORD: 'hunter2' } } });
    await expect(buildJarImage(opts)).rejects.toThrow(/^env: refuses "DB_PASSWORD"/);
    expect(existsSync(join(opts.outputDir, 'layout'))).toBe(false);
  });
});
