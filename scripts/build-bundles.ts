// Bundles every action with @vercel/ncc into actions/<name>/dist (ESM, as `using: node24` runs it).
//   node scripts/build-bundles.ts            rebuild dist/ of every action (or of the named ones)
//   node scripts/build-bundles.ts --check    rebuild into a temp dir and fail if dist/ differs
//   node scripts/build-bundles.ts --check --no-cache    the same, rebuilding even unchanged trees
// Entries: src/index.ts -> dist/index.js, and src/pre.ts / src/post.ts -> dist/pre/, dist/post/.
// The actions are bundled side by side, one per core.
// --check remembers, per action, the trees it found up to date: a hash of every file a bundle can
// be built from (the whole repository but the bundles, the lockfile, node and ncc) and a hash of
// the committed dist/. When both are the same as at a check that passed, the rebuild would give
// the same bytes again, so it is skipped; any change to either rebuilds and compares.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const nccCli = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
/**
 * ncc's entry points rewrite their own V8 code cache (dist/ncc/*.cache) on exit unless
 * `process.pkg` is set. Those files are hard links into pnpm's store, so each build would mutate
 * the store: pnpm then counts @vercel/ncc as modified and an offline install fails on it. The
 * cache only speeds up ncc's start; the bundles are the same without it.
 */
const NO_CODE_CACHE = 'data:text/javascript,process.pkg ??= {}';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

function nccRuns(actionDir: string, outDir: string): { src: string; argv: string[] }[] {
  const runs: { src: string; argv: string[] }[] = [];
  for (const [entry, sub] of [
    ['index', ''],
    ['pre', 'pre'],
    ['post', 'post'],
  ] as const) {
    const src = join(actionDir, 'src', `${entry}.ts`);
    if (!existsSync(src)) continue;
    const argv = ['build', src, '-o', join(outDir, sub), '-m', '--target', 'es2022', '-q'];
    runs.push({ src, argv: ['--import', NO_CODE_CACHE, nccCli, ...argv] });
  }
  return runs;
}

export function bundle(actionDir: string, outDir: string): void {
  for (const { src, argv } of nccRuns(actionDir, outDir)) {
    const r = spawnSync(process.execPath, argv, { cwd: actionDir, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`ncc failed for ${relative(root, src)}:\n${r.stdout}${r.stderr}`);
    }
  }
}

async function bundleAsync(actionDir: string, outDir: string): Promise<void> {
  for (const { src, argv } of nccRuns(actionDir, outDir)) {
    const child = spawn(process.execPath, argv, { cwd: actionDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (status !== 0) throw new Error(`ncc failed for ${relative(root, src)}:\n${output}`);
  }
}

export function diff(expectedDir: string, actualDir: string): string[] {
  const want = listFiles(expectedDir);
  const have = listFiles(actualDir);
  const problems: string[] = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing from committed dist/: ${f}`);
    else if (!readFileSync(join(expectedDir, f)).equals(readFileSync(join(actualDir, f))))
      problems.push(`differs: ${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`not produced by the build: ${f}`);
  return problems;
}

/** Rebuilds into a temp dir and lists how the committed dist/ differs (empty: up to date). */
export function checkDist(actionDir: string): string[] {
  const tmp = mkdtempSync(join(tmpdir(), 'bakeline-dist-check-'));
  try {
    bundle(actionDir, tmp);
    return diff(tmp, join(actionDir, 'dist'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const CACHE_FILE = join(root, 'node_modules', '.cache', 'bakeline', 'check-dist.json');
export type CheckCache = Record<string, { inputs: string; dist: string }>;

/**
 * A hash of everything a bundle can be built from: every file of the repository (tracked, or
 * untracked and not ignored) except the bundles, what pnpm installed, node's and ncc's versions
 * and this script. Undefined outside a git work tree: then every check rebuilds.
 */
export function inputsHash(repo = root): string | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return undefined;
  const files = r.stdout
    .split('\0')
    .filter((f) => f !== '' && !/^actions\/[^/]+\/dist\//.test(f))
    .sort();
  const hash = createHash('sha256');
  hash.update(`${process.version}\0`);
  const extra = ['node_modules/.modules.yaml', 'node_modules/.pnpm/lock.yaml', 'node_modules/@vercel/ncc/package.json'];
  for (const f of [...extra, ...files]) {
    hash.update(`${f}\0`);
    try {
      hash.update(readFileSync(join(repo, f)));
    } catch {
      hash.update('\0(not a readable file)'); // deleted, a directory or a dangling link
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const f of listFiles(dir))
    hash
      .update(`${f}\0`)
      .update(readFileSync(join(dir, f)))
      .update('\0');
  return hash.digest('hex');
}

function readCache(): CheckCache {
  try {
    return JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as CheckCache;
  } catch {
    return {};
  }
}

function writeCache(cache: CheckCache): void {
  mkdirSync(dirname(CACHE_FILE), { recursive: true });
  writeFileSync(CACHE_FILE, `${JSON.stringify(cache, null, 2)}\n`);
}

/** Whether a check passed on these very sources (`inputs`) and this very dist/ (`distHash`). */
export function checkedBefore(cache: CheckCache, name: string, inputs: string | undefined, distHash: string): boolean {
  const known = cache[name];
  return inputs !== undefined && known !== undefined && known.inputs === inputs && known.dist === distHash;
}

/** Runs `work` over `items`, at most `limit` at a time; results in the order of `items`. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

interface Outcome {
  name: string;
  ok: boolean;
  lines: string[];
}

async function main(args: string[]): Promise<void> {
  const check = args.includes('--check');
  const useCache = check && !args.includes('--no-cache');
  const only = args.filter((a) => !a.startsWith('--'));
  const actions = readdirSync(join(root, 'actions'))
    .filter((a) => existsSync(join(root, 'actions', a, 'src', 'index.ts')))
    .filter((a) => only.length === 0 || only.includes(a))
    .sort();
  const inputs = useCache ? inputsHash() : undefined;
  const cache = useCache ? readCache() : {};

  const outcomes = await inParallel(actions, availableParallelism(), async (name): Promise<Outcome> => {
    const actionDir = join(root, 'actions', name);
    const dist = join(actionDir, 'dist');
    const distHash = check ? treeHash(dist) : '';
    if (checkedBefore(cache, name, inputs, distHash)) {
      return { name, ok: true, lines: [`ok   dist of ${name} is up to date (sources and dist/ as at the last check)`] };
    }
    const tmp = mkdtempSync(join(tmpdir(), `bakeline-dist-${name}-`));
    try {
      await bundleAsync(actionDir, tmp);
      if (check) {
        const problems = diff(tmp, dist);
        if (problems.length > 0) {
          return {
            name,
            ok: false,
            lines: [
              `FAIL dist of ${name} is out of date; run 'pnpm build' and commit actions/${name}/dist:`,
              ...problems.map((p) => `  ${p}`),
            ],
          };
        }
        if (inputs !== undefined && treeHash(dist) === distHash) cache[name] = { inputs, dist: distHash };
        return { name, ok: true, lines: [`ok   dist of ${name} is up to date`] };
      }
      rmSync(dist, { recursive: true, force: true });
      cpSync(tmp, dist, { recursive: true });
      return { name, ok: true, lines: [`built actions/${name}/dist (${listFiles(dist).length} files)`] };
    } catch (error: unknown) {
      return { name, ok: false, lines: [`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`] };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  for (const o of outcomes) for (const line of o.lines) console.log(line);
  // each entry says "these sources give this dist/": true once checked, so they all stay; but the
  // sources may have changed while the check ran, then nothing from this run is remembered
  if (useCache && inputs !== undefined && inputsHash() === inputs) writeCache(cache);
  process.exitCode = outcomes.some((o) => !o.ok) ? 1 : 0;
}

if (import.meta.filename === process.argv[1]) await main(process.argv.slice(2));
