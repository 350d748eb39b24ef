import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec, ExecResult } from '@bakeline/toolkit';
import { silentLogger } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { ensureBaseImage } from './ensure-base-image.ts';

const aptDir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'apt', 'deb822-01');

function result(stdout = '', exitCode = 0): ExecResult {
  return { exitCode, signal: null, stdout, stderr: exitCode === 0 ? '' : 'debootstrap: E: failure', durationMs: 1 };
}

/** A stand-in for dpkg and debootstrap: records calls and writes a tiny root filesystem. */
function standIn(options: { fail?: boolean; delayMs?: number } = {}): { exec: Exec; calls: string[][] } {
  const calls: string[][] = [];
  const exec: Exec = async (command, args) => {
    calls.push([command, ...args]);
    if (command === 'dpkg') return result('amd64\n');
    if (command !== 'debootstrap') throw new Error(`unexpected command ${command}`);
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    if (options.fail) return result('', 1);
    const dir = args[4] ?? '';
    for (const sub of ['dev', 'etc', 'var/log/apt', 'var/cache/apt/archives/partial', 'var/lib/apt/lists', 'tmp']) {
      mkdirSync(join(dir, sub), { recursive: true });
    }
    mkdirSync(join(dir, 'usr/lib/jvm/java-17-openjdk-amd64/bin'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/jvm/java-17-openjdk-amd64/bin/java'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'etc/hostname'), 'build-host\n');
    writeFileSync(join(dir, 'etc/resolv.conf'), 'nameserver 10.0.0.1\n');
    writeFileSync(join(dir, 'var/log/apt/history.log'), 'Start-Date: 2026-01-01\n');
    writeFileSync(join(dir, 'var/cache/apt/archives/bash_5.2_amd64.deb'), 'deb');
    writeFileSync(join(dir, 'var/lib/apt/lists/mirror.example_debian_Packages'), 'lists');
    return result();
  };
  return { exec, calls };
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

describe('ensureBaseImage', () => {
  test('builds once for two parallel callers, then serves the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bakeline-base-'));
    const { exec, calls } = standIn({ delayMs: 200 });
    const options = { cacheDir, logger: silentLogger, aptDir, exec };
    const [a, b] = await Promise.all([ensureBaseImage(options), ensureBaseImage(options)]);
    expect(calls.filter((c) => c[0] === 'debootstrap')).toHaveLength(1);
    expect([a.built, b.built].sort()).toEqual([false, true]);
    expect(a.digest).toBe(b.digest);
    const third = await ensureBaseImage(options);
    expect(third.built).toBe(false);
    expect(calls.filter((c) => c[0] === 'debootstrap')).toHaveLength(1);
    // nothing left behind but the layout
    expect(readdirSync(cacheDir)).toEqual([a.key]);
  });

  test('runs debootstrap with the mirror from apt sources and writes a layout whose blobs hash to their names', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bakeline-base-'));
    const { exec, calls } = standIn();
    const image = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec });
    expect(calls.find((c) => c[0] === 'debootstrap')).toEqual([
      'debootstrap',
      '--variant=minbase',
      '--include=openjdk-17-jre-headless',
      '--arch=amd64',
      'bookworm',
      expect.stringContaining(cacheDir),
      'http://mirror.example/debian',
    ]);
    const blob = (digest: string) => readFileSync(join(image.layoutDir, 'blobs', 'sha256', digest.slice(7)));
    const index = JSON.parse(readFileSync(join(image.layoutDir, 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toBe(image.digest);
    const manifest = JSON.parse(blob(image.digest).toString());
    expect(sha256(blob(image.digest))).toBe(image.digest);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.digest).toBe(image.configDigest);
    expect(sha256(blob(image.configDigest))).toBe(image.configDigest);
    expect(sha256(blob(manifest.layers[0].digest))).toBe(manifest.layers[0].digest);
    const config = JSON.parse(blob(image.configDigest).toString());
    expect(config.config.Env).toContain('JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64');
    expect(config.config.Env.some((e: string) => e.startsWith('PATH='))).toBe(true);
    expect(config.architecture).toBe('amd64');
    expect(image.tag).toBe(`bakeline/jre17-base:${image.key.slice(0, 12)}`);
    const layer = join(image.layoutDir, 'blobs', 'sha256', manifest.layers[0].digest.slice(7));
    const paths = execFileSync('tar', ['-tzf', layer], { encoding: 'utf8' }).split('\n');
    expect(paths).toContain('usr/lib/jvm/java-17-openjdk-amd64/bin/java');
    expect(paths).toContain('dev/');
    expect(paths.filter((p) => /\.deb$|history\.log$|_Packages$/.test(p))).toEqual([]);
    const hostname = execFileSync('tar', ['-xzOf', layer, 'etc/hostname'], { encoding: 'utf8' });
    expect(hostname).toBe('');
  });

  test('a failed build leaves no layout and no temp directory, and the next call builds', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bakeline-base-'));
    const failing = standIn({ fail: true });
    await expect(ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec: failing.exec })).rejects.toThrow(
      /debootstrap .* failed with exit code 1/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
    const working = standIn();
    const image = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec: working.exec });
    expect(image.built).toBe(true);
    expect(existsSync(join(image.layoutDir, 'index.json'))).toBe(true);
  });

  test('rebuilds a cached layout that lost a blob', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bakeline-base-'));
    const { exec, calls } = standIn();
    const first = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec });
    const manifest = JSON.parse(
      readFileSync(join(first.layoutDir, 'blobs', 'sha256', first.digest.slice(7)), 'utf8'),
    ) as { layers: { digest: string }[] };
    writeFileSync(join(first.layoutDir, 'blobs', 'sha256', (manifest.layers[0]?.digest ?? '').slice(7)), 'truncated');
    const second = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec });
    expect(second.built).toBe(true);
    expect(calls.filter((c) => c[0] === 'debootstrap')).toHaveLength(2);
  });

  test.each<
    [string, (layoutDir: string, manifest: { config: { digest: string }; layers: { digest: string }[] }) => void]
  >([
    [
      'a layer blob of the same size whose bytes do not hash to its name',
      (dir, m) => {
        const path = join(dir, 'blobs', 'sha256', (m.layers[0]?.digest ?? '').slice(7));
        const bytes = readFileSync(path);
        bytes[bytes.length - 9] = (bytes[bytes.length - 9] ?? 0) ^ 0xff;
        writeFileSync(path, bytes);
      },
    ],
    [
      'a config blob of the same size whose bytes do not hash to its name',
      (dir, m) => {
        const path = join(dir, 'blobs', 'sha256', m.config.digest.slice(7));
        writeFileSync(path, readFileSync(path, 'utf8').replace('"os":"linux"', '"os":"linuy"'));
      },
    ],
  ])('never serves a cached image with %s: it is rebuilt', async (_name, corrupt) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bakeline-base-'));
    const { exec, calls } = standIn();
    const first = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec });
    const manifest = JSON.parse(readFileSync(join(first.layoutDir, 'blobs', 'sha256', first.digest.slice(7)), 'utf8'));
    corrupt(first.layoutDir, manifest);
    const second = await ensureBaseImage({ cacheDir, logger: silentLogger, aptDir, exec });
    expect(second.built).toBe(true);
    expect(calls.filter((c) => c[0] === 'debootstrap')).toHaveLength(2);
    for (const digest of [
      second.configDigest,
      ...JSON.parse(readFileSync(join(second.layoutDir, 'blobs', 'sha256', second.digest.slice(7)), 'utf8')).layers.map(
        (l: { digest: string }) => l.digest,
      ),
    ]) {
      expect(sha256(readFileSync(join(second.layoutDir, 'blobs', 'sha256', digest.slice(7))))).toBe(digest);
    }
  });
});
