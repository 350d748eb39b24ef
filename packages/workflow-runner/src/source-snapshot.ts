// The repository a run checks out. The given directory (a repository, or a folder inside one such
// as examples/licensing-service) is copied as it is now (tracked and untracked files that git does
// not ignore; uncommitted changes included) into a git repository of its own with one commit
// dated like the source's HEAD. That commit is `github.sha`; actions/checkout clones it. Same
// files and same source commit time give the same sha, so digests stay reproducible.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { exec as defaultExec, type Exec, execChecked } from '@bakeline/toolkit';

export interface SourceSnapshot {
  /** A git repository holding the snapshot commit. */
  dir: string;
  sha: string;
  /** Commit time (seconds since the epoch) of the snapshot, equal to the source HEAD's. */
  commitTime: number;
  /** The source repository's HEAD, when the directory is inside a git work tree. */
  sourceSha?: string;
  /** Whether the directory had changes that are not committed. */
  dirty: boolean;
}

const AUTHOR = { name: 'bakeline local runner', email: 'runner@bakeline.invalid' };
/** Commit time used when the directory is not in a git work tree: 1980-01-01, as zip and Maven do. */
const NO_GIT_EPOCH = 315532800;

function walkAll(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkAll(full, base));
    else out.push(relative(base, full));
  }
  return out;
}

async function git(args: string[], cwd: string, env?: Record<string, string>): Promise<string> {
  const result = await execChecked('git', args, { cwd, env: { ...process.env, ...env } });
  return result.stdout;
}

export async function snapshotSource(
  repoDir: string,
  target: string,
  run: Exec = defaultExec,
): Promise<SourceSnapshot> {
  if (!existsSync(repoDir) || !lstatSync(repoDir).isDirectory()) {
    throw new Error(`repository directory: ${repoDir} is not a directory`);
  }
  const inGit = (await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: repoDir })).stdout.trim() === 'true';
  let files: string[];
  let commitTime = NO_GIT_EPOCH;
  let sourceSha: string | undefined;
  let dirty = false;
  if (inGit) {
    files = (await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '.'], repoDir))
      .split('\0')
      .filter((f) => f !== '' && existsSync(join(repoDir, f)));
    const head = await run('git', ['log', '-1', '--format=%H %ct'], { cwd: repoDir });
    if (head.exitCode === 0 && head.stdout.trim() !== '') {
      const [sha, time] = head.stdout.trim().split(' ');
      sourceSha = sha;
      commitTime = Number(time);
    }
    dirty = (await git(['status', '--porcelain', '--untracked-files=normal', '.'], repoDir)).trim() !== '';
  } else {
    files = walkAll(repoDir);
  }
  mkdirSync(target, { recursive: true });
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    const source = join(repoDir, file);
    // a symbolic link is copied as the link (git stores links, not what they point to)
    if (lstatSync(source).isSymbolicLink()) symlinkSync(readlinkSync(source), join(target, file));
    else cpSync(source, join(target, file));
  }
  const date = `@${commitTime} +0000`;
  const env = {
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  await git(['init', '--quiet', '--initial-branch=main'], target, env);
  await git(['add', '--all', '--force'], target, env);
  const message = `local snapshot${sourceSha ? ` of ${sourceSha}` : ''}${dirty ? ' with uncommitted changes' : ''}`;
  await git(['commit', '--quiet', '--allow-empty', '--no-gpg-sign', '-m', message], target, env);
  const sha = (await git(['rev-parse', 'HEAD'], target, env)).trim();
  const snapshot: SourceSnapshot = { dir: target, sha, commitTime, dirty };
  if (sourceSha !== undefined) snapshot.sourceSha = sourceSha;
  return snapshot;
}

/** actions/checkout: clones the snapshot into `dest` (HEAD = the snapshot commit). */
export async function cloneSnapshot(snapshot: SourceSnapshot, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  if (readdirSync(dest).length > 0) throw new Error(`checkout: ${dest} is not empty`);
  await git(['clone', '--quiet', '--no-hardlinks', snapshot.dir, dest], dirname(dest), {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  });
}
