import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ArtifactStore, placeFile } from './artifact-store.ts';

function runDir(): { run: string; store: ArtifactStore; file: string } {
  const run = mkdtempSync(join(tmpdir(), 'bakeline-artifacts-'));
  const src = join(run, 'src');
  mkdirSync(src);
  const file = join(src, 'a.txt');
  writeFileSync(file, 'alpha\n');
  writeFileSync(join(run, 'keep.txt'), 'the run directory\n');
  return { run, store: new ArtifactStore(join(run, 'artifacts')), file };
}

describe('artifact names are names, never paths', () => {
  test.each(['..', '.', '...', '%2E%2E', 'a..b'])('%s with overwrite: true leaves the run directory alone', (name) => {
    const { run, store, file } = runDir();
    store.upload(name, join(run, 'src'), [file], false);
    store.upload(name, join(run, 'src'), [file], true);
    expect(existsSync(join(run, 'keep.txt'))).toBe(true);
    expect(existsSync(join(run, 'src', 'a.txt'))).toBe(true);
    expect(store.names()).toEqual([name]);
    const dest = join(run, 'out');
    store.download(name, dest);
    expect(readdirSync(dest)).toEqual(['a.txt']);
  });

  test('a name with a path separator is refused', () => {
    const { run, store, file } = runDir();
    expect(() => store.upload('../x', join(run, 'src'), [file], false)).toThrow(/character that is not allowed/);
  });
});

describe('files are linked, and a changed artifact is refused', () => {
  test('upload and download share the bytes (one inode) on one file system', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    const dest = join(run, 'job-2');
    store.download('jar', dest);
    expect(statSync(join(dest, 'a.txt')).ino).toBe(statSync(file).ino);
    expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  test('a file written in place after upload: the download names it and places nothing', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    writeFileSync(file, 'beta\n'); // same inode: the stored file changes with it
    const dest = join(run, 'job-2');
    expect(() => store.download('jar', dest)).toThrow(
      "artifact 'jar' changed after it was uploaded (a.txt); upload it again",
    );
    expect(existsSync(join(dest, 'a.txt'))).toBe(false);
  });

  test('a file replaced after upload (a new inode, as most tools write) leaves the artifact as uploaded', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    rmSync(file);
    writeFileSync(file, 'beta\n');
    const dest = join(run, 'job-2');
    store.download('jar', dest);
    expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  test('placeFile over an existing different file replaces it', () => {
    const { run, file } = runDir();
    const other = join(run, 'other.txt');
    writeFileSync(other, 'old\n');
    expect(placeFile(file, other)).toBe('linked');
    expect(readFileSync(other, 'utf8')).toBe('alpha\n');
  });
});
