import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '@bakeline/toolkit';
import { exec } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import { parseTarListing } from './cache-entry-in-place.ts';
import { FilesystemCache } from './filesystem-cache.ts';

/** The real exec, recording each command line. */
function recording(): { run: Exec; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: (command, args, options) => {
      calls.push([command, ...args].join(' '));
      return exec(command, args, options);
    },
  };
}

function repository(marker: string): string {
  return scratch({ 'org/example/lib/1.0/lib-1.0.jar': marker, 'org/example/lib/1.0/lib-1.0.pom': '<project/>' });
}

const jar = (dir: string) => readFileSync(join(dir, 'org/example/lib/1.0/lib-1.0.jar'), 'utf8');

describe('FilesystemCache', () => {
  it('saves <dir>/<key>.tar and restores it by the exact key', async () => {
    const cache = new FilesystemCache(join(scratch(), 'cache'));
    expect(await cache.save(repository('one'), 'maven-linux-x64-aaa')).toBe(true);
    expect(readdirSync(cache.dir)).toEqual(['maven-linux-x64-aaa.tar']);
    const target = join(scratch(), 'm2', 'repository');
    expect(await cache.restore(target, 'maven-linux-x64-aaa', ['maven-linux-x64-'])).toBe('maven-linux-x64-aaa');
    expect(jar(target)).toBe('one');
  });

  it('restores the newest entry with a restore-key prefix when the key is missing', async () => {
    const cache = new FilesystemCache(scratch());
    await cache.save(repository('old'), 'maven-linux-x64-old');
    await cache.save(repository('new'), 'maven-linux-x64-new');
    await cache.save(repository('other'), 'maven-darwin-arm64-zzz');
    const past = new Date(Date.now() - 60_000);
    utimesSync(cache.entryFile('maven-linux-x64-old'), past, past);
    const target = scratch();
    expect(await cache.restore(target, 'maven-linux-x64-wanted', ['maven-linux-x64-'])).toBe('maven-linux-x64-new');
    expect(jar(target)).toBe('new');
  });

  it.each([
    ['an empty cache directory', true],
    ['a missing cache directory', false],
  ])('restores nothing from %s', async (_what, create) => {
    const dir = join(scratch(), 'cache');
    if (create) mkdirSync(dir);
    const target = join(scratch(), 'repo');
    expect(await new FilesystemCache(dir).restore(target, 'maven-linux-x64-a', ['maven-linux-x64-'])).toBeUndefined();
    expect(existsSync(target)).toBe(false);
  });

  it('never overwrites an entry (entries are immutable)', async () => {
    const cache = new FilesystemCache(scratch());
    expect(await cache.save(repository('first'), 'maven-k')).toBe(true);
    expect(await cache.save(repository('second'), 'maven-k')).toBe(false);
    const target = scratch();
    await cache.restore(target, 'maven-k', []);
    expect(jar(target)).toBe('first');
  });

  it('leaves no entry and no temp file when tar fails (atomic write)', async () => {
    const dir = scratch();
    const failingTar: Exec = async (command, args, options) => {
      const result = await exec(command, args, options);
      return { ...result, exitCode: 2, stderr: 'tar: disk full' };
    };
    const cache = new FilesystemCache(dir, failingTar);
    await expect(cache.save(repository('x'), 'maven-k')).rejects.toThrow('tar: disk full');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([['../escape'], ['a/b'], ['key with space'], ['']])('refuses the key %j', (key) => {
    expect(() => new FilesystemCache(scratch()).entryFile(key)).toThrow('expected only [A-Za-z0-9._-]');
  });

  it('refuses to save a repository that does not exist', async () => {
    await expect(new FilesystemCache(scratch()).save(join(scratch(), 'none'), 'maven-k')).rejects.toThrow(
      'nothing to save',
    );
  });

  it('ignores foreign files in the cache directory', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'maven-linux-x64-x.tar.123.partial'), 'half');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(new FilesystemCache(dir).lookup('maven-linux-x64-y', ['maven-linux-x64-'])).toBeUndefined();
  });

  it('does not extract an entry whose files are all in place (same size and time)', async () => {
    const { run, calls } = recording();
    const cache = new FilesystemCache(scratch(), run);
    await cache.save(repository('one'), 'maven-k');
    const target = scratch();
    expect(await cache.restore(target, 'maven-k', [])).toBe('maven-k');
    expect(cache.lastRestoreInPlace).toBe(false);
    calls.length = 0;
    expect(await cache.restore(target, 'maven-k', [])).toBe('maven-k');
    expect(cache.lastRestoreInPlace).toBe(true);
    expect(calls.filter((c) => c.startsWith('tar -xf'))).toEqual([]);
    expect(jar(target)).toBe('one');
  });

  it.each([
    ['a file of the entry is missing', (file: string) => rmSync(file)],
    ['a file has another size', (file: string) => writeFileSync(file, 'longer content')],
    [
      'a file has another modification time',
      (file: string) => {
        writeFileSync(file, 'owt');
        utimesSync(file, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
      },
    ],
  ])('extracts the entry again when %s', async (_what, change) => {
    const { run, calls } = recording();
    const cache = new FilesystemCache(scratch(), run);
    await cache.save(repository('one'), 'maven-k');
    const target = scratch();
    await cache.restore(target, 'maven-k', []);
    change(join(target, 'org/example/lib/1.0/lib-1.0.jar'));
    calls.length = 0;
    expect(await cache.restore(target, 'maven-k', [])).toBe('maven-k');
    expect(cache.lastRestoreInPlace).toBe(false);
    expect(calls.filter((c) => c.startsWith('tar -xf'))).toHaveLength(1);
    expect(jar(target)).toBe('one');
  });
});

describe('parseTarListing', () => {
  it('reads files and directories, times in UTC, paths without ./', () => {
    const text = [
      'drwxr-xr-x root/root         0 2026-12-03 22:02:29 ./',
      'drwxr-xr-x root/root         0 2026-12-03 22:02:29 ./a/',
      '-rw-r--r-- root/root         3 2026-12-03 22:02:29 ./a/x y.txt',
      '',
    ].join('\n');
    expect(parseTarListing(text)).toEqual([
      { type: 'dir', path: '', size: 0, mtime: Date.UTC(2026, 11, 3, 22, 2, 29) / 1000 },
      { type: 'dir', path: 'a', size: 0, mtime: Date.UTC(2026, 11, 3, 22, 2, 29) / 1000 },
      { type: 'file', path: 'a/x y.txt', size: 3, mtime: Date.UTC(2026, 11, 3, 22, 2, 29) / 1000 },
    ]);
  });

  it.each([
    ['a symbolic link', 'lrwxrwxrwx root/root         0 2026-12-03 22:02:29 ./l -> x'],
    ['a hard link', 'hrw-r--r-- root/root         0 2026-12-03 22:02:29 ./h link to ./x'],
    ['an escaped name', '-rw-r--r-- root/root         3 2026-12-03 22:02:29 ./a\\nb'],
    ['a path with ..', '-rw-r--r-- root/root         3 2026-12-03 22:02:29 ./../x'],
    ['an unknown line', 'tar: something went wrong'],
  ])('cannot check %s (the entry is then extracted)', (_what, line) => {
    expect(parseTarListing(`${line}\n`)).toBeUndefined();
  });
});
