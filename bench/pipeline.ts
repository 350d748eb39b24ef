// Benchmark: bakeline's whole chain (the main job's workflows through the local runner) against the
// chain a team scripts by hand (mvn verify, docker build, aws ecr get-login-password | docker
// login, docker push, kubectl set image + rollout status in dev, test and prod), in one run, on the
// same commits of a scratch copy of the example service, against the same local cloud.
//   node bench/pipeline.ts [--runs 5] [--strict] [--no-main-job]
//   node bench/pipeline.ts --trial --runs 1 --no-main-job   (a check of the set-up: bench/results/pipeline-trial.json)
// Cases, each run in this order, the two sides swapping places every run:
//   cold-registry    the current commit into a new local cloud (an empty registry on a new port,
//                    an empty cluster): every blob is uploaded, every environment starts new pods;
//   warm-unchanged   the commit each side last deployed, again (nothing to roll out);
//   one-line-change  a new commit changing one line of the service (a new digest on both sides).
// Each side has its own Deployments (bakeline in dev/test/prod, the peer in peer-dev/-test/-prod,
// from the same overlays) and its own ECR repository, so each rolls out from its own last state.
// After every run both sides are checked: ECR holds what was pushed, and every environment runs
// the new image on all its pods; anything else fails the benchmark. Raw samples, min/median,
// ratios (bakeline / peer), bakeline's per-step breakdown and its overhead beyond Maven plus the
// rollouts, and the load averages go to bench/results/pipeline.json (written after every run).
// First (unless --no-main-job) the warm main job, `scripts/main.sh`, is timed end to end once.
// --strict: exit 1 on a missed target.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBaseImage, loadLayoutIntoDocker } from '@bakeline/bake';
import { execChecked, silentLogger } from '@bakeline/toolkit';
import { alternate, formatLine, formatRatio, loadAverage, settle, timed } from './measure.ts';
import { type BakelineRun, runBakelineChain } from './pipeline-bakeline.ts';
import { CASES, type CaseName } from './pipeline-cases.ts';
import { type BenchCloud, discardCloud, openCloud, preparePeer, removePeer } from './pipeline-cloud.ts';
import { type PeerRun, runPeerChain } from './pipeline-peer.ts';
import { ScratchRepo } from './pipeline-repo.ts';
import { allCaseFigures, overheadMs, type RunSample } from './pipeline-results.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    strict: { type: 'boolean', default: false },
    'no-main-job': { type: 'boolean', default: false },
    trial: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < (values.trial ? 1 : 5))
  throw new Error(`--runs: got "${values.runs}"; expected an integer >= ${values.trial ? 1 : 5}`);

const loadAtStart = loadAverage();
const work = mkdtempSync(join(tmpdir(), 'bakeline-bench-pipeline-'));
const mainStateDir = join(root, '.local-cloud');
const toolCache = join(mainStateDir, 'tool-cache');
const madeTags = new Set<string>();

console.log('preparing: base image (and loaded in the engine for docker build), scratch repository, local cloud');
const base = await ensureBaseImage({ logger: silentLogger });
const baseImage = `oci:${base.layoutDir}@${base.digest}`;
const baseTag = `bakeline-bench/pipeline-base:${base.digest.slice(7, 19)}`;
await loadLayoutIntoDocker(base.layoutDir, base.digest, baseTag);
madeTags.add(baseTag);
const repo = await ScratchRepo.create(join(root, 'examples/licensing-service'), join(work, 'repo'));
const dockerConfig = join(work, 'docker-config');
mkdirSync(dockerConfig, { recursive: true });

const main = await openCloud({
  root,
  stateDir: mainStateDir,
  repoDir: repo.dir,
  baseImage,
  workDir: join(work, 'main'),
});
await preparePeer(main, repo.dir, join(work, 'main'));

async function bakelineSide(cloud: BenchCloud): Promise<BakelineRun> {
  await settle();
  return runBakelineChain({ cloud, repoDir: repo.dir, runsDir: join(work, 'runs'), toolCache });
}

async function peerSide(cloud: BenchCloud): Promise<PeerRun> {
  await settle();
  return runPeerChain({ cloud, repo, baseTag, dockerConfig, workDir: join(work, 'peer'), madeTags });
}

async function oneRun(cloud: BenchCloud, run: number): Promise<RunSample> {
  const [first] = alternate<'bakeline' | 'peer'>(run, 'bakeline', 'peer');
  const load = loadAverage();
  let bakeline: BakelineRun;
  let peer: PeerRun;
  if (first === 'bakeline') {
    bakeline = await bakelineSide(cloud);
    peer = await peerSide(cloud);
  } else {
    peer = await peerSide(cloud);
    bakeline = await bakelineSide(cloud);
  }
  return {
    run,
    first,
    load,
    bakelineMs: bakeline.totalMs,
    peerMs: peer.totalMs,
    bakelineSteps: bakeline.steps,
    ...(bakeline.mavenMs === undefined ? {} : { bakelineMavenMs: bakeline.mavenMs }),
    peerSteps: peer.steps,
    bakelineDigest: bakeline.digest,
    peerDigest: peer.digest,
  };
}

/** A new local cloud for one cold-registry run: empty registry, empty cluster; discarded after. */
async function inFreshCloud(run: number): Promise<RunSample> {
  const stateDir = join(work, `cold-cloud-${run}`);
  const cloud = await openCloud({ root, stateDir, repoDir: repo.dir, baseImage, workDir: join(work, `cold-${run}`) });
  try {
    await preparePeer(cloud, repo.dir, join(work, `cold-${run}`));
    return await oneRun(cloud, run);
  } finally {
    await discardCloud(root, cloud);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const show = (name: CaseName, sample: RunSample) =>
  console.log(
    `  ${name} run ${sample.run}: bakeline ${s(sample.bakelineMs)}, peer ${s(sample.peerMs)} (${sample.first} first; overhead ${s(overheadMs(sample))}; load ${sample.load.one})`,
  );

const samples: Record<CaseName, RunSample[]> = { 'warm-unchanged': [], 'one-line-change': [], 'cold-registry': [] };
const resultsFile = join(root, 'bench', 'results', values.trial ? 'pipeline-trial.json' : 'pipeline.json');
let warmup: RunSample | undefined;
let mainJobWarmMs: number | undefined;

/** Writes what has been measured so far (after every run: a benchmark cut short keeps its samples). */
function writeResults(complete: boolean) {
  const done = Math.min(...CASES.map((c) => samples[c].length));
  const document = {
    benchmark: 'pipeline',
    date: new Date().toISOString(),
    complete,
    machine: { cpus: cpus().length, node: process.version, loadAtStart, loadNow: loadAverage() },
    runs,
    runsCompleted: done,
    inputs: { baseImage: { digest: base.digest, layerBytes: base.layerSize } },
    method:
      'each run: cold-registry (a new local cloud), warm-unchanged, one-line-change (a new commit); sides alternate; times in ms',
    ...(mainJobWarmMs === undefined ? {} : { mainJobWarmMs }),
    warmup,
    cases: done > 0 ? allCaseFigures(trim(samples, done), done) : samples,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(document, null, 2)}\n`);
}

function trim(all: Record<CaseName, RunSample[]>, n: number): Record<CaseName, RunSample[]> {
  return Object.fromEntries(CASES.map((c) => [c, all[c].slice(0, n)])) as Record<CaseName, RunSample[]>;
}

try {
  if (!values['no-main-job']) {
    // first, so that it runs at the load the samples see; the warm-up then deploys the scratch commit
    console.log('the warm main job, end to end: scripts/main.sh');
    mainJobWarmMs = await timed(() =>
      execChecked(join(root, 'scripts/main.sh'), [], { cwd: root, timeoutMs: 900_000 }),
    );
    console.log(`  ${s(mainJobWarmMs)} (load ${loadAverage().one})`);
  }
  for (let run = 0; run < runs; run++) {
    samples['cold-registry'].push(await inFreshCloud(run));
    show('cold-registry', samples['cold-registry'].at(-1) as RunSample);
    if (run === 0) {
      console.log(
        'warm-up: both sides deploy the current commit in the main cloud (the peer Deployments get their first image)',
      );
      warmup = await oneRun(main, 0);
      show('warm-unchanged', warmup);
    }
    samples['warm-unchanged'].push(await oneRun(main, run));
    show('warm-unchanged', samples['warm-unchanged'].at(-1) as RunSample);
    await repo.commitOneLineChange();
    samples['one-line-change'].push(await oneRun(main, run));
    show('one-line-change', samples['one-line-change'].at(-1) as RunSample);
    writeResults(false);
  }
} finally {
  await removePeer(main).catch((error: unknown) => console.error(`removing the peer namespaces: ${String(error)}`));
  if (madeTags.size > 0) await execChecked('docker', ['rmi', ...madeTags]).catch(() => undefined);
}

// ── report ──────────────────────────────────────────────────────────────────────────────────
const figures = allCaseFigures(samples, runs);
const loadAtEnd = loadAverage();
writeResults(true);
rmSync(work, { recursive: true, force: true });

for (const name of CASES) {
  const f = figures[name];
  console.log(`\n${name}`);
  console.log(
    formatLine(
      '  bakeline',
      f.samples.map((x) => x.bakelineMs),
      34,
    ),
  );
  console.log(
    formatLine(
      '  peer',
      f.samples.map((x) => x.peerMs),
      34,
    ),
  );
  console.log(formatLine('  bakeline overhead beyond mvn+rollouts', f.samples.map(overheadMs), 34));
  console.log(`  ${formatRatio('bakeline / peer', f.ratio, f.target)}`);
  console.log('  bakeline steps (median, slowest first):');
  for (const step of f.bakelineStepMedians.slice(0, 8)) console.log(`    ${s(step.ms).padStart(8)}  ${step.name}`);
}
console.log(`\nload average: start ${loadAtStart.one}, end ${loadAtEnd.one} (1 min)`);
const missed = CASES.filter((c) => !figures[c].met);
if (missed.length > 0) {
  console.log(
    `targets missed: ${missed.map((c) => `${c} ${figures[c].ratio.median.toFixed(3)}x > ${figures[c].target}x`).join('; ')}`,
  );
  if (values.strict) process.exitCode = 1;
}
