import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tinyBaseLayout } from '@bakeline/test-fixtures';
import type { Exec, ExecResult } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { loadLayoutIntoDocker } from './load-into-docker.ts';

/** Answers `docker load` (listing the archive it is given) and `docker image inspect` with `id`. */
function engine(id: (config: string, manifest: string) => string) {
  const calls: string[][] = [];
  let listing: string[] = [];
  let archive = '';
  const make =
    (config: string, manifest: string): Exec =>
    async (command, args) => {
      expect(command).toBe('docker');
      calls.push([...args]);
      const ok = (stdout: string): ExecResult => ({ exitCode: 0, signal: null, stdout, stderr: '', durationMs: 0 });
      if (args[0] === 'load') {
        archive = args[2] ?? '';
        listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
        return ok('Loaded image: bakeline-test/tiny:1\n');
      }
      return ok(`${JSON.stringify({ Id: id(config, manifest), RepoTags: ['bakeline-test/tiny:1'] })}\n`);
    };
  return { calls, make, listing: () => listing, archive: () => archive };
}

describe('loadLayoutIntoDocker', () => {
  test('loads the archive oci writes from the layout (no tar pipe), then checks the image ID', async () => {
    const image = await tinyBaseLayout();
    const e = engine((config) => config);
    const loaded = await loadLayoutIntoDocker(image.layoutDir, image.digest, 'bakeline-test/tiny:1', {
      exec: e.make(image.configDigest, image.digest),
    });
    expect(loaded).toEqual({ imageId: image.configDigest, repoTag: 'bakeline-test/tiny:1' });
    expect(e.calls).toEqual([
      ['load', '--input', e.archive()],
      ['image', 'inspect', '--format', '{{json .}}', 'bakeline-test/tiny:1'],
    ]);
    expect(e.listing()).toContain('manifest.json');
    expect(e.listing()).toContain(`blobs/sha256/${image.configDigest.slice(7)}`);
    expect(existsSync(e.archive())).toBe(false);
  });

  test('accepts the manifest digest as the ID (containerd image store)', async () => {
    const image = await tinyBaseLayout();
    const e = engine((_config, manifest) => manifest);
    const loaded = await loadLayoutIntoDocker(image.layoutDir, image.digest, 'bakeline-test/tiny:1', {
      exec: e.make(image.configDigest, image.digest),
    });
    expect(loaded.imageId).toBe(image.digest);
  });

  test('rejects an engine that holds another image under the tag', async () => {
    const image = await tinyBaseLayout();
    const other = `sha256:${'0'.repeat(64)}`;
    const e = engine(() => other);
    await expect(
      loadLayoutIntoDocker(image.layoutDir, image.digest, 'bakeline-test/tiny:1', {
        exec: e.make(image.configDigest, image.digest),
      }),
    ).rejects.toThrow(`bakeline-test/tiny:1 is ${other}, expected ${image.configDigest} (config)`);
  });
});
