// platform-test from its bundle, as the runner runs it, against the real Docker engine, on images
// of the example service built here (JRE base from Debian packages) and converted to OCI layouts.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBaseImage, loadLayoutIntoDocker } from '@bakeline/bake';
import { dockerArchiveToLayout } from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../../../test/harness/index.ts';

const LABEL = 'io.bakeline.platform-test';
const spec = join(repoRoot, 'examples', 'licensing-service', 'platform-test.yml');
const work = mkdtempSync(join(tmpdir(), 'platform-test-int-'));
const docker = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const leftovers = () => docker('ps', '-aq', '--filter', `label=${LABEL}`);

interface Baked {
  layout: string;
  digest: string;
}
const images: Record<string, Baked> = {};
let baseTag = '';

/** Builds the example (optionally patched) into an image, then an OCI layout, as docker-bake would. */
async function bake(
  name: string,
  options: { patch?: (dir: string) => void; extraDockerfile?: string } = {},
): Promise<Baked> {
  const dir = join(work, name);
  cpSync(join(repoRoot, 'examples', 'licensing-service'), dir, {
    recursive: true,
    filter: (s) => !s.includes('/target'),
  });
  options.patch?.(dir);
  execFileSync('mvn', ['-o', '-q', '-B', 'package', '-DskipTests'], { cwd: dir, stdio: 'ignore' });
  if (options.extraDockerfile)
    writeFileSync(
      join(dir, 'Dockerfile'),
      `${readFileSync(join(dir, 'Dockerfile'), 'utf8')}${options.extraDockerfile}`,
    );
  const tag = `bakeline-test/platform-${name}:test`;
  docker(
    'build',
    '-q',
    '-t',
    tag,
    '--build-arg',
    `BASE_IMAGE=${baseTag}`,
    '--label',
    'org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567',
    '--label',
    'org.opencontainers.image.source=https://github.com/bakeline-dev/licensing-service',
    '--label',
    'org.opencontainers.image.created=2023-11-14T22:13:20Z',
    dir,
  );
  const archive = join(work, `${name}.docker.tar`);
  docker('save', '-o', archive, tag);
  const layout = join(work, `${name}-layout`);
  const image = await dockerArchiveToLayout(archive, layout, { sourceDateEpoch: 1_700_000_000 });
  return { layout, digest: image.digest };
}

beforeAll(async () => {
  const base = await ensureBaseImage({ logger: silentLogger });
  baseTag = (await loadLayoutIntoDocker(base.layoutDir, base.digest, 'bakeline-test/jre17-base:platform-test')).repoTag;
  images.good = await bake('good');
  images.root = await bake('root', { extraDockerfile: 'USER 0\n' });
  images.wrongJson = await bake('wrong-json', {
    patch: (dir) => {
      const file = join(dir, 'src/main/java/com/optimagrowth/license/LicenseRepository.java');
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"Ostock"', '"0stock"'));
    },
  });
}, 600_000);

afterAll(() => {
  expect(leftovers()).toBe('');
});

describe('platform-test', () => {
  it('passes the example image against its spec, with valid JUnit XML whose counts match', async () => {
    const result = await runAction('platform-test', {
      inputs: {
        layout: images.good?.layout ?? '',
        digest: images.good?.digest ?? '',
        spec,
        env: 'APP_PROFILE=platform-test\nLOG_LEVEL=DEBUG',
      },
      workspace: repoRoot,
      timeoutMs: 180_000,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.passed).toBe('7');
    expect(result.outputs.failed).toBe('0');
    const junit = readFileSync(result.outputs['junit-path'] ?? '', 'utf8');
    expect(junit).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuite name="platform-test" tests="7" failures="0" errors="0" skipped="0"/,
    );
    expect(junit.match(/<testcase /g)).toHaveLength(7);
    expect(result.summary).toContain('license lookup returns the license as JSON');
    expect(result.log).toContain('every blob matches its digest');
    expect(leftovers()).toBe('');
  });

  it('refuses a layout whose blobs were altered, before any container starts', async () => {
    const copy = join(work, 'tampered');
    cpSync(images.good?.layout ?? '', copy, { recursive: true });
    const config = JSON.parse(readFileSync(join(copy, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(
      readFileSync(join(copy, 'blobs/sha256', (config.manifests[0]?.digest ?? '').slice(7)), 'utf8'),
    ) as {
      layers: { digest: string }[];
    };
    const layer = join(copy, 'blobs/sha256', (manifest.layers.at(-1)?.digest ?? '').slice(7));
    const bytes = readFileSync(layer);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(layer, bytes);
    const before = docker('ps', '-aq').split('\n').filter(Boolean).length;
    const result = await runAction('platform-test', {
      inputs: { layout: copy, digest: images.good?.digest ?? '', spec },
      workspace: repoRoot,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(/sha256:[0-9a-f]{64}/);
    expect(result.log).not.toContain('started bakeline-platform-test');
    expect(docker('ps', '-aq').split('\n').filter(Boolean).length).toBe(before);
  });

  it.each([
    ['runs as root', 'root', '', 'runs as a non-root user', 'the image runs as root'],
    [
      'answers wrong JSON',
      'wrongJson',
      '',
      'license lookup returns the license as JSON',
      '$.productName is "0stock", expected "Ostock"',
    ],
  ])(
    'fails an image that %s, naming the check, and shows the container log',
    async (_what, key, env, check, message) => {
      const image = images[key] as Baked;
      const result = await runAction('platform-test', {
        inputs: { layout: image.layout, digest: image.digest, spec, env },
        workspace: repoRoot,
        timeoutMs: 180_000,
      });
      expect(result.exitCode).toBe(1);
      expect(result.outputs.failed).toBe('1');
      const error = result.annotations.find((a) => a.level === 'error')?.message ?? '';
      expect(error).toContain(check);
      expect(error).toContain(message);
      expect(result.stdout).toContain('Container log (last 100 lines)');
      expect(result.stdout).toContain('licensing-service listening on port 8080');
      expect(leftovers()).toBe('');
    },
  );

  it('fails when the health never becomes ready (wrong env), with the container log', async () => {
    const result = await runAction('platform-test', {
      inputs: {
        layout: images.good?.layout ?? '',
        digest: images.good?.digest ?? '',
        spec,
        env: 'PORT=9090',
        'startup-timeout': '6s',
      },
      workspace: repoRoot,
      timeoutMs: 120_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain('container becomes ready');
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain('not ready within 6 s');
    expect(result.stdout).toContain('listening on port 9090');
    expect(leftovers()).toBe('');
  });

  it('masks secret-env values in the log and the JUnit report', async () => {
    const result = await runAction('platform-test', {
      inputs: {
        layout: images.good?.layout ?? '',
        digest: images.good?.digest ?? '',
        spec,
        env: 'LOG_LEVEL=LOUD',
        'secret-env': 'DATABASE_URL=jdbc:postgresql://app:hunter2-secret@db/ostock',
        'startup-timeout': '10s',
      },
      workspace: repoRoot,
      timeoutMs: 120_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.masks).toContain('jdbc:postgresql://app:hunter2-secret@db/ostock');
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain('exited with code 2');
    expect(readFileSync(result.outputs['junit-path'] ?? '', 'utf8')).not.toContain('hunter2');
    expect(leftovers()).toBe('');
  });

  it.each([
    ['SIGINT', 8000],
    ['SIGINT then SIGTERM', 300],
  ])('leaves nothing behind on cancellation (%s)', async (_name, sigtermDelayMs) => {
    const result = await runAction('platform-test', {
      inputs: {
        layout: images.good?.layout ?? '',
        digest: images.good?.digest ?? '',
        spec,
        env: 'PORT=9090',
        'startup-timeout': '60s',
      },
      workspace: repoRoot,
      cancelAfterMs: 7000,
      sigtermDelayMs,
      timeoutMs: 120_000,
    });
    expect(result.cancelled).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(result.phases.map((p) => p.name)).toEqual(['main', 'post']);
    expect(leftovers()).toBe('');
  });

  it('refuses a spec with a typo before any container starts, naming file, line and key', async () => {
    const typo = join(work, 'typo.yml');
    writeFileSync(
      typo,
      readFileSync(spec, 'utf8').replace(
        '        status: 200\n        headers:',
        '        status: 200\n        header:',
      ),
    );
    const result = await runAction('platform-test', {
      inputs: { layout: images.good?.layout ?? '', digest: images.good?.digest ?? '', spec: 'typo.yml' },
      workspace: work,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(
      /^Input 'spec': .*typo\.yml:\d+:\d+: checks\[0\]\.http\.expect\.header: unknown key 'header'/,
    );
    expect(result.log).not.toContain('Verify sha256');
  });
});
