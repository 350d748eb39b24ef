// How long each action takes from process start to its first line of work: the bundle
// (dist/index.js) is started as the runner starts it (`node dist/index.js`, the step's files
// created first), with no inputs; the first line it prints is its input check's error, which
// comes after every module the bundle imports statically has been loaded and evaluated, and
// before any work. `node -e ''` is timed the same way: the floor no bundle can go under.
//   node bench/startup.ts                 10 runs per action (at least 10), interleaved
//     --runs N                            runs per action
//     --json FILE                         also write the samples and min/median to FILE
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Stats, stats } from './measure.ts';

const root = join(import.meta.dirname, '..');
const MIN_RUNS = 10;
const TIMEOUT_MS = 30_000;

interface Target {
  name: string;
  argv: string[];
}

function targets(): Target[] {
  const actions = readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return [
    { name: 'node (no bundle)', argv: ['-e', 'console.log("ready")'] },
    ...actions.map((name) => ({ name, argv: [join(root, 'actions', name, 'dist', 'index.js')] })),
  ];
}

/** Milliseconds from spawn to the first byte on stdout; rejects when the process prints nothing. */
function timeToFirstLine(argv: readonly string[], scratch: string): Promise<number> {
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map((v) => {
      const file = join(scratch, v.toLowerCase());
      writeFileSync(file, '');
      return [v, file];
    }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    ...files,
    RUNNER_TEMP: scratch,
    GITHUB_WORKSPACE: scratch,
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { cwd: scratch, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let first: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.once('data', () => {
      first = performance.now() - started;
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      if (first === undefined) reject(new Error(`${argv.join(' ')}: printed nothing`));
      else resolve(first);
    });
  });
}

function parseRuns(args: readonly string[]): number {
  const at = args.indexOf('--runs');
  if (at < 0) return MIN_RUNS;
  const value = args[at + 1] ?? '';
  if (!/^[0-9]+$/.test(value) || Number(value) < MIN_RUNS) {
    throw new Error(`--runs: got '${value}'; expected a whole number of at least ${MIN_RUNS}`);
  }
  return Number(value);
}

function parseJson(args: readonly string[]): string | undefined {
  const at = args.indexOf('--json');
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error('--json: expected a file name');
  return value;
}

async function main(args: readonly string[]): Promise<void> {
  const runs = parseRuns(args);
  const jsonFile = parseJson(args);
  const list = targets();
  const samples: Record<string, number[]> = Object.fromEntries(list.map((t) => [t.name, []]));
  const load: number[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'bakeline-startup-'));
  try {
    for (const t of list) await timeToFirstLine(t.argv, scratch); // warm the page cache, untimed
    for (let run = 0; run < runs; run++) {
      load.push(loadavg()[0] ?? 0);
      for (const t of list) samples[t.name]?.push(await timeToFirstLine(t.argv, scratch));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const results: Record<string, Stats> = {};
  const width = Math.max(...list.map((t) => t.name.length));
  console.log(`${'action'.padEnd(width)}  min ms  median ms   (${runs} runs each, to the first line on stdout)`);
  for (const t of list) {
    const s = stats(samples[t.name] ?? []);
    results[t.name] = s;
    console.log(`${t.name.padEnd(width)}  ${s.min.toFixed(0).padStart(6)}  ${s.median.toFixed(0).padStart(9)}`);
  }
  const loadRange = `${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)}`;
  console.log(`1-minute load average before each round: ${loadRange}`);
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({ runs, load, results, samples }, null, 2)}\n`);
    console.log(`written: ${jsonFile}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`startup benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
