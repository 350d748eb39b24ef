// A release of bakeline: a commit (off any branch) whose workflows reference the actions and
// reusable workflows at exactly this version, tagged `vX.Y.Z`, with the major tag `vX` moved to
// it. In .github/workflows/ the references become `<repository>/actions/<name>@vX.Y.Z` and
// `<repository>/.github/workflows/<file>@vX.Y.Z` (a release is consistent with itself); in the
// examples' callers they become `@vX` (what a service repository writes). `dryRun` only plans.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exec as defaultExec, type Exec } from '@bakeline/toolkit';
import { ACTIONS_REPOSITORY } from '../action-refs.ts';

export interface ReleaseOptions {
  /** The bakeline repository (a git work tree, clean). */
  repoDir: string;
  /** X.Y.Z (a leading v is accepted). */
  version: string;
  /** `owner/name` the released references point to (on GitHub: github.repository). */
  repository: string;
  /** `owner/name` of the references as they are now (default: the placeholder, and `repository`). */
  currentRepositories?: readonly string[];
  /** Push the tags to this remote. */
  remote?: string;
  dryRun: boolean;
  exec?: Exec;
  log?: (line: string) => void;
}

export interface FileChange {
  file: string;
  changes: { line: number; before: string; after: string }[];
}

export interface ReleaseResult {
  tag: string;
  majorTag: string;
  files: FileChange[];
  commit?: string;
  previousMajorTarget?: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)$/;
const REF_LINE =
  /^(\s*(?:-\s+)?uses:\s*["']?)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/((?:actions\/[a-z0-9-]+)|(?:\.github\/workflows\/[^@\s"']+))@([^\s"'#]+)(.*)$/;

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
}

/** The workflow files a release rewrites, each with the ref its bakeline references get. */
export function releaseFiles(repoDir: string, tag: string, majorTag: string): { path: string; ref: string }[] {
  const own = yamlFiles(join(repoDir, '.github/workflows')).map((path) => ({ path, ref: tag }));
  const examples = existsSync(join(repoDir, 'examples'))
    ? readdirSync(join(repoDir, 'examples')).flatMap((e) =>
        yamlFiles(join(repoDir, 'examples', e, '.github/workflows')),
      )
    : [];
  return [...own, ...examples.map((path) => ({ path, ref: majorTag }))];
}

/** Rewrites the bakeline references of one workflow text; unknown actions or workflows are errors. */
export function rewriteReferences(
  text: string,
  options: { file: string; repoDir: string; from: readonly string[]; to: string; ref: string },
): { text: string; changes: FileChange['changes'] } {
  const changes: FileChange['changes'] = [];
  const lines = text.split('\n').map((line, i) => {
    const m = REF_LINE.exec(line);
    if (m === null) return line;
    const [, prefix = '', repo = '', sub = '', , rest = ''] = m;
    if (!options.from.includes(repo)) return line;
    const target = sub.startsWith('actions/') ? join(options.repoDir, sub, 'action.yml') : join(options.repoDir, sub);
    if (!existsSync(target)) {
      throw new Error(`${options.file}:${i + 1}: ${repo}/${sub} does not exist in this repository (${target})`);
    }
    const after = `${prefix}${options.to}/${sub}@${options.ref}${rest}`;
    if (after !== line) changes.push({ line: i + 1, before: line.trim(), after: after.trim() });
    return after;
  });
  return { text: lines.join('\n'), changes };
}

export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const run = options.exec ?? defaultExec;
  const log = options.log ?? (() => {});
  const git = async (args: string[]): Promise<string> => {
    const r = await run('git', args, { cwd: options.repoDir });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${r.exitCode}): ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const m = VERSION.exec(options.version);
  if (m === null) throw new Error(`version: got '${options.version}'; expected X.Y.Z (e.g. 1.4.0)`);
  const parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  const tag = `v${parts.join('.')}`;
  const majorTag = `v${parts[0]}`;
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository)) {
    throw new Error(`repository: got '${options.repository}'; expected owner/name`);
  }

  if ((await git(['status', '--porcelain'])) !== '')
    throw new Error('the work tree has uncommitted changes; release from a clean checkout');
  if (options.remote !== undefined) await git(['fetch', '--quiet', '--tags', '--force', options.remote]);
  const tags = (await git(['tag', '--list', 'v*']))
    .split('\n')
    .map((t) => VERSION.exec(t))
    .filter((t): t is RegExpExecArray => t !== null)
    .map((t) => [Number(t[1]), Number(t[2]), Number(t[3])]);
  if (tags.some((t) => compare(t, parts) === 0)) throw new Error(`tag ${tag} already exists`);
  const latest = tags.sort(compare).at(-1);
  if (latest !== undefined && compare(parts, latest) < 0) {
    throw new Error(`version ${tag} is lower than the latest release v${latest.join('.')}`);
  }

  const from = options.currentRepositories ?? [ACTIONS_REPOSITORY, options.repository];
  const files: FileChange[] = [];
  const writes: { path: string; text: string }[] = [];
  for (const { path, ref } of releaseFiles(options.repoDir, tag, majorTag)) {
    const file = relative(options.repoDir, path);
    const result = rewriteReferences(readFileSync(path, 'utf8'), {
      file,
      repoDir: options.repoDir,
      from,
      to: options.repository,
      ref,
    });
    if (result.changes.length > 0) {
      files.push({ file, changes: result.changes });
      writes.push({ path, text: result.text });
    }
  }
  for (const f of files) {
    log(`${f.file}:`);
    for (const c of f.changes) log(`  ${c.line}: ${c.before}  ->  ${c.after}`);
  }
  const result: ReleaseResult = { tag, majorTag, files };
  const previousMajor = await run('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${majorTag}^{commit}`], {
    cwd: options.repoDir,
  });
  if (previousMajor.exitCode === 0) result.previousMajorTarget = previousMajor.stdout.trim();
  if (options.dryRun) {
    log(
      `dry run: would commit ${files.length} file(s), tag ${tag} and move ${majorTag}${options.remote ? `, then push both to ${options.remote}` : ''}`,
    );
    return result;
  }

  const branch = await run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: options.repoDir });
  const back = branch.exitCode === 0 ? branch.stdout.trim() : await git(['rev-parse', 'HEAD']);
  await git(['checkout', '--quiet', '--detach']);
  try {
    for (const w of writes) writeFileSync(w.path, w.text);
    await git(['add', '--', ...writes.map((w) => relative(options.repoDir, w.path))]);
    await git([
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      `release ${tag}\n\nWorkflows reference ${options.repository} at ${tag}; examples at ${majorTag}.`,
    ]);
    result.commit = await git(['rev-parse', 'HEAD']);
    await git(['tag', '-a', tag, '-m', `bakeline ${tag}`]);
    await git(['tag', '-f', '-a', majorTag, '-m', `bakeline ${majorTag} (= ${tag})`]);
  } finally {
    await git(['checkout', '--quiet', back]);
  }
  log(`tagged ${tag} and moved ${majorTag} to ${result.commit}`);
  if (options.remote !== undefined) {
    await git(['push', '--quiet', options.remote, `refs/tags/${tag}`]);
    await git(['push', '--quiet', '--force', options.remote, `refs/tags/${majorTag}`]);
    log(`pushed ${tag} and ${majorTag} to ${options.remote}`);
  }
  return result;
}
