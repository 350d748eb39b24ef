// Integration: base images from a real registry (Distribution): a tag is resolved to its digest
// and reported, a digest is used as given, and a pulled image is kept and reused by digest.
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Distribution, startDistribution } from '@bakeline/local-cloud';
import { LayoutWriter, type LoadedImage, parseReference, pushImage, RegistryClient } from '@bakeline/oci';
import { tinyBaseLayout } from '@bakeline/test-fixtures';
import { type Logger, silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveBaseImage } from './resolve-base-image.ts';

let registry: Distribution;
let base: LoadedImage;

beforeAll(async () => {
  registry = await startDistribution();
  base = await tinyBaseLayout();
  await pushImage(new RegistryClient({ registry: registry.host, logger: silentLogger }), base, {
    repository: 'bases/tiny',
    tags: ['1'],
  });
});

afterAll(async () => {
  await registry.stop();
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warning: (m: string) => warnings.push(m), warnings };
}

describe('resolveBaseImage from a registry', () => {
  test('a tag is resolved to its digest, reported as a warning to pin, and the reference is pinned', async () => {
    const logger = recordingLogger();
    const pullCacheDir = mkdtempSync(join(tmpdir(), 'bakeline-pulls-'));
    const resolved = await resolveBaseImage(
      { kind: 'registry', reference: parseReference(`${registry.host}/bases/tiny:1`) },
      { logger, pullCacheDir },
    );
    expect(resolved.image.digest).toBe(base.digest);
    expect(resolved.pinned).toBe(false);
    expect(resolved.reference).toBe(`${registry.host}/bases/tiny@${base.digest}`);
    expect(logger.warnings.join('\n')).toContain(`resolved to ${base.digest}; pin it`);
  });

  test('a digest is used as given, pulled once, then served from the pull cache', async () => {
    const pullCacheDir = mkdtempSync(join(tmpdir(), 'bakeline-pulls-'));
    const source = {
      kind: 'registry' as const,
      reference: parseReference(`${registry.host}/bases/tiny@${base.digest}`),
    };
    const first = await resolveBaseImage(source, { logger: silentLogger, pullCacheDir });
    expect(first.pinned).toBe(true);
    expect(readdirSync(pullCacheDir)).toEqual([base.digest.slice(7)]);
    const before = registry
      .readLog()
      .split('\n')
      .filter((l) => l.includes('GET /v2/bases/tiny/blobs/')).length;
    const second = await resolveBaseImage(source, { logger: silentLogger, pullCacheDir });
    const after = registry
      .readLog()
      .split('\n')
      .filter((l) => l.includes('GET /v2/bases/tiny/blobs/')).length;
    expect(second.image.digest).toBe(base.digest);
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(before);
  });

  test('a tag that does not exist fails naming the reference', async () => {
    await expect(
      resolveBaseImage(
        { kind: 'registry', reference: parseReference(`${registry.host}/bases/tiny:missing`) },
        { logger: silentLogger, pullCacheDir: mkdtempSync(join(tmpdir(), 'bakeline-pulls-')) },
      ),
    ).rejects.toThrow(/bases\/tiny:missing/);
  });

  test('a cache entry filed under the digest asked for that holds another image is never used: it is pulled again', async () => {
    const pullCacheDir = mkdtempSync(join(tmpdir(), 'bakeline-pulls-'));
    // another image (the same blobs, one more annotation) filed under the base's digest
    const other = join(pullCacheDir, base.digest.slice(7));
    mkdirSync(other);
    const writer = await LayoutWriter.create(other);
    for (const blob of [base.manifest.config, ...base.manifest.layers]) await writer.copyBlobFrom(base.layoutDir, blob);
    const forged = await writer.writeManifest({ ...base.manifest, annotations: { 'org.example.forged': 'yes' } });
    expect(forged.digest).not.toBe(base.digest);
    const before = registry
      .readLog()
      .split('\n')
      .filter((l) => l.includes('GET /v2/bases/tiny/manifests/')).length;
    const resolved = await resolveBaseImage(
      { kind: 'registry', reference: parseReference(`${registry.host}/bases/tiny@${base.digest}`) },
      { logger: silentLogger, pullCacheDir },
    );
    const after = registry
      .readLog()
      .split('\n')
      .filter((l) => l.includes('GET /v2/bases/tiny/manifests/')).length;
    expect(resolved.image.digest).toBe(base.digest);
    expect(after).toBeGreaterThan(before);
  });
});
