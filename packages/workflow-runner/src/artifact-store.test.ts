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
import { afterAll, describe, expect, test } from 'vitest';
import { ArtifactStore, placeFile } from './artifact-store.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-artifacts-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function runDir(): { run: string; store: ArtifactStore; file: string } {
  const run = mkdtempSync(join(temp, 'case-'));
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

describe('uploads copy, downloads link, and a changed artifact is reported', () => {
  test('a download shares the stored bytes (one inode) on one file system', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    const [one, two] = [join(run, 'job-2'), join(run, 'job-3')];
    store.download('jar', one);
    store.download('jar', two);
    expect(statSync(join(one, 'a.txt')).ino).toBe(statSync(join(two, 'a.txt')).ino);
    expect(statSync(join(one, 'a.txt')).ino).not.toBe(statSync(file).ino);
    expect(readFileSync(join(one, 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  test('the uploader writing its file in place afterwards does not reach the artifact', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    writeFileSync(file, 'beta\n');
    const got = store.download('jar', join(run, 'job-2'));
    expect(got.digestMismatch).toBe(false);
    expect(readFileSync(join(run, 'job-2', 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  test('a stored file changed after upload: the download reports a digest mismatch and still places it', () => {
    const { run, store, file } = runDir();
    store.upload('jar', join(run, 'src'), [file], false);
    writeFileSync(join(store.filesDir('jar'), 'a.txt'), 'tampered\n');
    const got = store.download('jar', join(run, 'job-2'));
    expect(got.digestMismatch).toBe(true);
    expect(readFileSync(join(run, 'job-2', 'a.txt'), 'utf8')).toBe('tampered\n');
  });

  test('placeFile over an existing different file replaces it', () => {
    const { run, file } = runDir();
    const other = join(run, 'other.txt');
    writeFileSync(other, 'old\n');
    expect(placeFile(file, other)).toBe('linked');
    expect(readFileSync(other, 'utf8')).toBe('alpha\n');
  });
});
