// The check-dist cache skips a rebuild only for sources and bundles it has checked before.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkedBefore, inputsHash, treeHash } from './build-bundles.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function git(repo: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function repoWithAction(): string {
  const repo = mkdtempSync(join(tmpdir(), 'check-dist-cache-'));
  dirs.push(repo);
  mkdirSync(join(repo, 'actions', 'a', 'src'), { recursive: true });
  mkdirSync(join(repo, 'actions', 'a', 'dist'));
  mkdirSync(join(repo, 'packages', 'p'), { recursive: true });
  writeFileSync(join(repo, 'actions', 'a', 'src', 'index.ts'), 'console.log(1);\n');
  writeFileSync(join(repo, 'actions', 'a', 'dist', 'index.js'), 'console.log(1);\n');
  writeFileSync(join(repo, 'packages', 'p', 'index.ts'), 'export const p = 1;\n');
  writeFileSync(join(repo, '.gitignore'), 'ignored/\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  return repo;
}

describe('check-dist cache', () => {
  it('hashes every source file, tracked or new, but not the bundles nor ignored files', () => {
    const repo = repoWithAction();
    const first = inputsHash(repo);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(inputsHash(repo)).toBe(first);

    writeFileSync(join(repo, 'actions', 'a', 'dist', 'index.js'), 'console.log(2);\n');
    mkdirSync(join(repo, 'ignored'));
    writeFileSync(join(repo, 'ignored', 'x.ts'), 'x');
    expect(inputsHash(repo)).toBe(first);

    writeFileSync(join(repo, 'packages', 'p', 'index.ts'), 'export const p = 2;\n');
    const edited = inputsHash(repo);
    expect(edited).not.toBe(first);

    writeFileSync(join(repo, 'packages', 'p', 'new.ts'), 'export const q = 1;\n');
    expect(inputsHash(repo)).not.toBe(edited);

    rmSync(join(repo, 'packages', 'p', 'index.ts'));
    expect(inputsHash(repo)).not.toBe(edited);
  });

  it('gives no hash outside a git work tree, so every check rebuilds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-dist-nogit-'));
    dirs.push(dir);
    expect(inputsHash(dir)).toBeUndefined();
    expect(checkedBefore({ a: { inputs: 'x', dist: 'y' } }, 'a', undefined, 'y')).toBe(false);
  });

  it('skips only when both the sources and the committed dist/ are those of a passed check', () => {
    const repo = repoWithAction();
    const dist = join(repo, 'actions', 'a', 'dist');
    const inputs = inputsHash(repo) ?? '';
    const cache = { a: { inputs, dist: treeHash(dist) } };
    expect(checkedBefore(cache, 'a', inputs, treeHash(dist))).toBe(true);
    expect(checkedBefore(cache, 'b', inputs, treeHash(dist))).toBe(false);

    writeFileSync(join(dist, 'index.js'), 'console.log("hand-edited");\n');
    expect(checkedBefore(cache, 'a', inputs, treeHash(dist))).toBe(false);
    writeFileSync(join(dist, 'index.js'), 'console.log(1);\n');
    writeFileSync(join(dist, 'extra.js'), '');
    expect(checkedBefore(cache, 'a', inputs, treeHash(dist))).toBe(false);
    rmSync(join(dist, 'extra.js'));
    expect(checkedBefore(cache, 'a', inputs, treeHash(dist))).toBe(true);

    writeFileSync(join(repo, 'actions', 'a', 'src', 'index.ts'), 'console.log(3);\n');
    expect(checkedBefore(cache, 'a', inputsHash(repo), treeHash(dist))).toBe(false);
  });
});
