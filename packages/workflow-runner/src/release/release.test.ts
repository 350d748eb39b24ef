// The release script against a scratch git repository with a bare remote.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Exec, exec, execChecked } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { release, rewriteReferences } from './release.ts';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'release bot',
  GIT_AUTHOR_EMAIL: 'bot@example.invalid',
  GIT_COMMITTER_NAME: 'release bot',
  GIT_COMMITTER_EMAIL: 'bot@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const withIdentity: Exec = (command, args, options = {}) =>
  exec(command, args, { ...options, env: { ...process.env, ...IDENTITY } });
const git = (cwd: string, ...args: string[]) => execChecked('git', args, { cwd, env: { ...process.env, ...IDENTITY } });

const BUILD = `on: workflow_call
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
      - id: echo
        uses: bakeline-dev/bakeline/actions/echo@main
        with:
          message: hi
      - uses: "bakeline-dev/bakeline/actions/echo@main" # quoted, with a comment
`;
const CALLER = `on: push
jobs:
  call:
    uses: bakeline-dev/bakeline/.github/workflows/build.yml@v1
`;

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

async function scratch(): Promise<{ repo: string; remote: string }> {
  const base = mkdtempSync(join(tmpdir(), 'bakeline-release-'));
  const repo = join(base, 'repo');
  const remote = join(base, 'remote.git');
  await git(base, 'init', '--quiet', '--bare', remote);
  await git(base, 'init', '--quiet', '--initial-branch=main', repo);
  write(repo, 'actions/echo/action.yml', 'name: echo\ndescription: d\nruns:\n  using: node24\n  main: dist/index.js\n');
  write(repo, '.github/workflows/build.yml', BUILD);
  write(repo, 'examples/svc/.github/workflows/build.yml', CALLER);
  await git(repo, 'add', '.');
  await git(repo, 'commit', '--quiet', '-m', 'initial');
  await git(repo, 'remote', 'add', 'origin', remote);
  await git(repo, 'push', '--quiet', 'origin', 'main');
  return { repo, remote };
}

async function show(repo: string, ref: string, path: string): Promise<string> {
  return (await git(repo, 'show', `${ref}:${path}`)).stdout;
}

describe('release', () => {
  test('a dry run plans the rewrites and changes nothing', async () => {
    const { repo } = await scratch();
    const head = (await git(repo, 'rev-parse', 'HEAD')).stdout.trim();
    const lines: string[] = [];
    const r = await release({
      repoDir: repo,
      version: '1.2.0',
      repository: 'acme/bakeline',
      dryRun: true,
      exec: withIdentity,
      log: (l) => lines.push(l),
    });
    expect(r.files.map((f) => [f.file, f.changes.length])).toEqual([
      ['.github/workflows/build.yml', 2],
      ['examples/svc/.github/workflows/build.yml', 1],
    ]);
    expect(r.files[0]?.changes[0]?.after).toBe('uses: acme/bakeline/actions/echo@v1.2.0');
    expect(r.files[1]?.changes[0]?.after).toBe('uses: acme/bakeline/.github/workflows/build.yml@v1');
    expect(lines.at(-1)).toMatch(/^dry run: would commit 2 file\(s\), tag v1\.2\.0 and move v1/);
    expect((await git(repo, 'rev-parse', 'HEAD')).stdout.trim()).toBe(head);
    expect((await git(repo, 'tag', '--list')).stdout).toBe('');
    expect(readFileSync(join(repo, '.github/workflows/build.yml'), 'utf8')).toBe(BUILD);
  });

  test('a release tags vX.Y.Z, moves vX, pushes both, and leaves main untouched', async () => {
    const { repo, remote } = await scratch();
    const main = (await git(repo, 'rev-parse', 'main')).stdout.trim();
    const first = await release({
      repoDir: repo,
      version: '1.0.0',
      repository: 'acme/bakeline',
      remote: 'origin',
      dryRun: false,
      exec: withIdentity,
    });
    expect(await show(remote, 'v1.0.0', '.github/workflows/build.yml')).toContain(
      'uses: acme/bakeline/actions/echo@v1.0.0\n',
    );
    expect(await show(remote, 'v1.0.0', '.github/workflows/build.yml')).toContain(
      'uses: "acme/bakeline/actions/echo@v1.0.0" # quoted, with a comment',
    );
    expect(await show(remote, 'v1.0.0', 'examples/svc/.github/workflows/build.yml')).toContain(
      'uses: acme/bakeline/.github/workflows/build.yml@v1\n',
    );
    expect((await git(remote, 'rev-parse', 'v1^{commit}')).stdout.trim()).toBe(first.commit);
    expect((await git(repo, 'rev-parse', 'main')).stdout.trim()).toBe(main);
    expect((await git(repo, 'symbolic-ref', '--short', 'HEAD')).stdout.trim()).toBe('main');

    const second = await release({
      repoDir: repo,
      version: '1.1.0',
      repository: 'acme/bakeline',
      remote: 'origin',
      dryRun: false,
      exec: withIdentity,
    });
    expect(second.previousMajorTarget).toBe(first.commit);
    expect((await git(remote, 'rev-parse', 'v1^{commit}')).stdout.trim()).toBe(second.commit);
    expect((await git(remote, 'rev-parse', 'v1.0.0^{commit}')).stdout.trim()).toBe(first.commit);
    expect(await show(remote, 'v1', '.github/workflows/build.yml')).toContain('actions/echo@v1.1.0');
  });

  test.each([
    ['1.0', /version: got '1.0'; expected X.Y.Z/],
    ['0.9.0', /version v0\.9\.0 is lower than the latest release v1\.0\.0/],
    ['1.0.0', /tag v1\.0\.0 already exists/],
  ])('refuses version %s', async (version, message) => {
    const { repo } = await scratch();
    await git(repo, 'tag', '-a', 'v1.0.0', '-m', 'x');
    await expect(
      release({ repoDir: repo, version, repository: 'acme/bakeline', dryRun: true, exec: withIdentity }),
    ).rejects.toThrow(message);
  });

  test('refuses a work tree with uncommitted changes', async () => {
    const { repo } = await scratch();
    writeFileSync(join(repo, 'stray.txt'), 'x');
    await expect(
      release({ repoDir: repo, version: '1.0.0', repository: 'acme/bakeline', dryRun: true, exec: withIdentity }),
    ).rejects.toThrow(/uncommitted changes/);
  });

  test('a reference to an action that does not exist stops the release', () => {
    expect(() =>
      rewriteReferences('      - uses: bakeline-dev/bakeline/actions/nope@main\n', {
        file: 'w.yml',
        repoDir: '/nonexistent',
        from: ['bakeline-dev/bakeline'],
        to: 'acme/bakeline',
        ref: 'v1.0.0',
      }),
    ).toThrow(/w\.yml:1: bakeline-dev\/bakeline\/actions\/nope does not exist/);
  });
});
