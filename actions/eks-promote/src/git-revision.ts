// The files of one commit of the checkout: the manifests of the commit that built an image.
// actions/checkout fetches one commit by default (fetch-depth: 1), the dispatch ref's. When the
// image's commit is not there, it is fetched from `origin` the way checkout itself fetches a commit
// (`git fetch --depth=1 origin <sha>`, with the credentials checkout persisted); where that is
// not possible, the error says to check out with `fetch-depth: 0` or to fetch the commit first.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { exec as defaultExec, type Exec, errorMessage, type Logger } from '@bakeline/toolkit';

const FETCH_TIMEOUT_MS = 120_000;
const GIT_TIMEOUT_MS = 60_000;

export interface Checkout {
  /** The top of the work tree. */
  toplevel: string;
  /** Where the workspace sits inside the repository: '' or `dir/` (git's --show-prefix). */
  prefix: string;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

async function git(run: Exec, cwd: string, args: string[], timeoutMs = GIT_TIMEOUT_MS) {
  return run('git', args, { cwd, timeoutMs, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

/** The git checkout the workspace is in, or an error saying to check out first. */
export async function findCheckout(workspace: string, run: Exec = defaultExec): Promise<Checkout> {
  const result = await git(run, workspace, ['rev-parse', '--show-toplevel', '--show-prefix']).catch(
    (error: unknown) => ({ exitCode: -1, stdout: '', stderr: errorMessage(error) }),
  );
  const [toplevel, prefix = ''] = result.stdout.split('\n');
  if (result.exitCode !== 0 || !toplevel) {
    throw new Error(
      `the manifests come from the commit that built the image (manifests-from: image-revision), but the workspace ${workspace} is not a git checkout (${lastLine(result.stderr)}): check out the repository first (actions/checkout), or set manifests-from: workspace`,
    );
  }
  return { toplevel, prefix: prefix.trim() };
}

async function hasCommit(run: Exec, toplevel: string, revision: string): Promise<boolean> {
  return (await git(run, toplevel, ['cat-file', '-e', `${revision}^{commit}`])).exitCode === 0;
}

/**
 * Makes sure the checkout has `revision`: fetched from origin when missing (one commit deep in a
 * shallow clone). `why` says where the revision comes from, for the error.
 */
export async function ensureCommit(
  checkout: Checkout,
  revision: string,
  why: string,
  logger: Logger,
  run: Exec = defaultExec,
): Promise<'present' | 'fetched'> {
  const { toplevel } = checkout;
  if (await hasCommit(run, toplevel, revision)) return 'present';
  const shallow = (await git(run, toplevel, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
  const args = ['fetch', '--no-tags', '--no-recurse-submodules', ...(shallow ? ['--depth=1'] : []), 'origin', revision];
  logger.info(
    `commit ${revision} is not in the ${shallow ? 'shallow ' : ''}checkout; fetching it: git ${args.join(' ')}`,
  );
  const fetched = await git(run, toplevel, args, FETCH_TIMEOUT_MS).catch((error: unknown) => ({
    exitCode: -1,
    stderr: errorMessage(error),
  }));
  if (fetched.exitCode === 0 && (await hasCommit(run, toplevel, revision))) return 'fetched';
  throw new Error(
    `commit ${revision} (${why}) is not in the ${shallow ? 'shallow ' : ''}checkout, and git ${args.join(' ')} failed (${lastLine(fetched.stderr) || `exit code ${fetched.exitCode}`}): check out with fetch-depth: 0 (actions/checkout), or fetch that commit before this step`,
  );
}

/**
 * Writes `paths` (relative to the workspace; files or directories) as they are in `revision` into
 * `dest`, keeping their paths. A path the commit does not have is an error naming it.
 */
export async function extractPaths(
  checkout: Checkout,
  revision: string,
  paths: readonly string[],
  dest: string,
  run: Exec = defaultExec,
): Promise<void> {
  const { toplevel, prefix } = checkout;
  // '' is the workspace's whole directory (the root tree when the workspace is the top)
  const treePaths = paths.map((path) => `${prefix}${path}`);
  for (const [i, treePath] of treePaths.entries()) {
    const kind = await git(run, toplevel, ['cat-file', '-t', `${revision}:${treePath}`]);
    if (kind.exitCode !== 0 || !['blob', 'tree'].includes(kind.stdout.trim())) {
      throw new Error(`'${paths[i] || '.'}' is not in commit ${revision}`);
    }
  }
  await mkdir(dest, { recursive: true });
  const tar = join(dest, '.bakeline-revision.tar');
  try {
    const pathspecs = treePaths.includes('') ? (prefix === '' ? [] : [prefix]) : treePaths;
    const archive = await git(run, toplevel, [
      'archive',
      '--format=tar',
      `--output=${tar}`,
      revision,
      '--',
      ...pathspecs,
    ]);
    if (archive.exitCode !== 0) throw new Error(`git archive ${revision}: ${lastLine(archive.stderr)}`);
    const untar = await run('tar', ['-x', '-f', tar, '-C', dest], { timeoutMs: GIT_TIMEOUT_MS });
    if (untar.exitCode !== 0) throw new Error(`tar -x of commit ${revision}: ${lastLine(untar.stderr)}`);
  } finally {
    await rm(tar, { force: true });
  }
}
