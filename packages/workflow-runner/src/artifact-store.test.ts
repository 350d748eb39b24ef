import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ArtifactStore } from './artifact-store.ts';

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
