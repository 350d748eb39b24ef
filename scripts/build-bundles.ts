// Bundles every action with @vercel/ncc into actions/<name>/dist (ESM, as `using: node24` runs it).
//   node scripts/build-bundles.ts            rebuild dist/ of every action (or of the named ones)
//   node scripts/build-bundles.ts --check    rebuild into a temp dir and fail if dist/ differs
// Entries: src/index.ts -> dist/index.js, and src/pre.ts / src/post.ts -> dist/pre/, dist/post/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

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

export function bundle(actionDir: string, outDir: string): void {
  for (const [entry, sub] of [
    ['index', ''],
    ['pre', 'pre'],
    ['post', 'post'],
  ] as const) {
    const src = join(actionDir, 'src', `${entry}.ts`);
    if (!existsSync(src)) continue;
    const argv = ['build', src, '-o', join(outDir, sub), '-m', '--target', 'es2022', '-q'];
    const r = spawnSync(process.execPath, ['--import', NO_CODE_CACHE, nccCli, ...argv], {
      cwd: actionDir,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(`ncc failed for ${relative(root, src)}:\n${r.stdout}${r.stderr}`);
    }
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

function main(args: string[]): void {
  const check = args.includes('--check');
  const only = args.filter((a) => !a.startsWith('--'));
  const actions = readdirSync(join(root, 'actions'))
    .filter((a) => existsSync(join(root, 'actions', a, 'src', 'index.ts')))
    .filter((a) => only.length === 0 || only.includes(a))
    .sort();
  let failed = 0;
  for (const name of actions) {
    const actionDir = join(root, 'actions', name);
    const dist = join(actionDir, 'dist');
    const tmp = mkdtempSync(join(tmpdir(), `bakeline-dist-${name}-`));
    try {
      bundle(actionDir, tmp);
      if (check) {
        const problems = diff(tmp, dist);
        if (problems.length > 0) {
          failed++;
          console.log(`FAIL dist of ${name} is out of date; run 'pnpm build' and commit actions/${name}/dist:`);
          for (const p of problems) console.log(`  ${p}`);
        } else {
          console.log(`ok   dist of ${name} is up to date`);
        }
      } else {
        rmSync(dist, { recursive: true, force: true });
        cpSync(tmp, dist, { recursive: true });
        console.log(`built actions/${name}/dist (${listFiles(dist).length} files)`);
      }
    } catch (error: unknown) {
      failed++;
      console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (import.meta.filename === process.argv[1]) main(process.argv.slice(2));
