// Integration: a dockerfile bake on a base image bakeline knows as a layout (given as a layout, or
// pulled from a registry by digest) takes the base's compressed layers as they are, same diffID,
// instead of compressing them again; the digest stays reproducible.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Distribution, startDistribution } from '@bakeline/local-cloud';
import { type LoadedImage, parseReference, pushImage, RegistryClient, readLayoutImage } from '@bakeline/oci';
import { tinyBaseLayout } from '@bakeline/test-fixtures';
import { execChecked, type Logger, silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BaseImageSource, bake } from './index.ts';

const fixture = join(import.meta.dirname, '..', 'test', 'fixtures', 'dockerfile-01');
const SDE = 1_700_000_000;
let registry: Distribution;
let base: LoadedImage;

beforeAll(async () => {
  registry = await startDistribution();
  base = await tinyBaseLayout();
  await pushImage(new RegistryClient({ registry: registry.host, logger: silentLogger }), base, {
    repository: 'bases/tiny',
  });
});

afterAll(async () => {
  await registry?.stop();
  if (base) {
    const tag = `bakeline-base:${base.digest.slice(7, 19)}`;
    await execChecked('docker', ['image', 'rm', tag]).catch(() => undefined);
  }
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(m),
    error: (m) => lines.push(m),
    debug: () => {},
    group: (_n, fn) => fn(),
  };
}

async function bakeOn(source: BaseImageSource) {
  const context = join(mkdtempSync(join(tmpdir(), 'bakeline-bake-ctx-')), 'ctx');
  cpSync(fixture, context, { recursive: true });
  const logger = recordingLogger();
  const result = await bake({
    builder: 'dockerfile',
    context,
    dockerfile: join(context, 'Dockerfile'),
    buildArgs: {},
    noCache: true,
    base: source,
    outputDir: mkdtempSync(join(tmpdir(), 'bakeline-bake-out-')),
    sourceDateEpoch: SDE,
    annotations: {},
    labels: {},
    logger,
    dockerConfigPath: join(mkdtempSync(join(tmpdir(), 'bakeline-docker-config-')), 'config.json'),
    pullCacheDir: mkdtempSync(join(tmpdir(), 'bakeline-pulls-')),
  });
  return { result, logger, image: await readLayoutImage(result.layoutDir, { digest: result.digest }) };
}

describe('dockerfile bake on a known base image', () => {
  test.each([
    ['an OCI layout', () => ({ kind: 'layout', dir: base.layoutDir, digest: base.digest }) as BaseImageSource],
    [
      'a registry reference pinned by digest',
      () =>
        ({
          kind: 'registry',
          reference: parseReference(`${registry.host}/bases/tiny@${base.digest}`),
        }) as BaseImageSource,
    ],
  ])(
    'given as %s: the base layer is the base blob, not re-compressed; two bakes give one digest',
    async (_name, source) => {
      const first = await bakeOn(source());
      const baseLayer = base.manifest.layers[0];
      expect(first.image.manifest.layers[0]).toEqual({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: baseLayer?.digest,
        size: baseLayer?.size,
      });
      expect(first.image.config.rootfs.diff_ids[0]).toBe(base.config.rootfs.diff_ids[0]);
      expect(first.image.manifest.layers).toHaveLength(3);
      expect(first.result.layers.map((l) => l.origin)).toEqual(['base', 'new', 'new']);
      expect(first.logger.lines.filter((l) => /reused, same diffID/.test(l))).toHaveLength(1);
      expect(first.logger.lines.filter((l) => /re-packed to/.test(l))).toHaveLength(2);
      expect(first.result.baseDigest).toBe(base.digest);

      const second = await bakeOn(source());
      expect(second.result.digest).toBe(first.result.digest);
    },
  );
});
