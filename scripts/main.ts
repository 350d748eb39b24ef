// The main job: the example service (examples/licensing-service) from its commit to three
// environments of the local cloud, through the caller workflows a service repository writes:
// build.yml (maven-build, docker-bake, platform-test, ecr-push, eks-promote to dev), then
// promote.yml from dev to test and from test to prod (prod approved on the command line). It
// prints what runs where, exits non-zero unless every environment runs the built digest, and
// leaves the local cloud running for inspection.
//   node scripts/main.ts          run the chain (starts the local cloud when it is not running)
//     --verbose                   expand the steps' ::group:: blocks (folded to one line otherwise)
//     --debug                     show ::debug:: lines (also with ACTIONS_STEP_DEBUG=true)
//   node scripts/main.ts stop     stop the local cloud
//   node scripts/main.ts env      print `export` lines for aws, kubectl and skopeo (eval them)
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureBaseImage } from '@bakeline/bake';
import { consoleLogger, errorMessage, formatBytes, formatDuration } from '@bakeline/toolkit';
import {
  createPrinter,
  httpIdTokenIssuer,
  loadEnvironments,
  type PrinterOptions,
  type RunOptions,
  RunRecorder,
  runWorkflow,
  stepDebug,
  type WorkflowResult,
  writeRunPage,
} from '@bakeline/workflow-runner';
import { diskUsage } from './main/disk-usage.ts';
import { envExports, runningCloud } from './main/env-exports.ts';
import { type EnvironmentState, readEnvironmentState } from './main/environment-state.ts';
import { writeEnvironmentsFile } from './main/environments-file.ts';
import {
  cloudStateIsNew,
  dropPreTerraformState,
  ensureLocalCloud,
  type MainCloud,
  stopLocalCloud,
} from './main/local-cloud.ts';
import { printReport, type ReportRow } from './main/report.ts';
import { ensureTerraformSetup } from './main/terraform-setup.ts';

const root = join(import.meta.dirname, '..');
const stateDir = join(root, '.local-cloud');
const service = join(root, 'examples/licensing-service');
const repository = 'bakeline-dev/licensing-service';
const workload = 'licensing-service';
const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
/** Run directories hold each job's workspace and the image artifact: keep the last two main jobs'. */
const KEEP_RUNS = 5;

function pruneRuns(runsDir: string, keep: number): void {
  if (!existsSync(runsDir)) return;
  const runs = readdirSync(runsDir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) {
    rmSync(join(runsDir, old), { recursive: true, force: true });
  }
}

function step(title: string): () => void {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  return () => console.log(`=== ${title}: done in ${formatDuration(Date.now() - started)}`);
}

function findWorkflowOutputs(result: WorkflowResult): Record<string, string> {
  // the caller's one job calls build.yml / promote.yml: its workflow outputs are the hand-off
  for (const job of result.jobs) if (job.workflow) return { ...job.workflow.outputs };
  return {};
}

/** How the steps' logs are shown: groups folded or expanded, debug lines hidden or shown. */
type LogView = Pick<PrinterOptions, 'verbose' | 'debug'>;

async function runCaller(
  view: LogView,
  cloud: MainCloud,
  environmentsFile: string,
  workflow: 'build.yml' | 'promote.yml',
  extra: Pick<RunOptions, 'event' | 'inputs' | 'approve'>,
): Promise<WorkflowResult> {
  const runsDir = join(stateDir, 'runs');
  pruneRuns(runsDir, KEEP_RUNS);
  const runDir = join(runsDir, `${Date.now()}-${workflow.replace('.yml', '')}`);
  mkdirSync(runDir, { recursive: true });
  const print = createPrinter((line) => console.log(line), { logs: true, ...view });
  const recorder = new RunRecorder();
  const outcome = await runWorkflow({
    workflow: join(service, '.github/workflows', workflow),
    repoDir: service,
    repository,
    environments: loadEnvironments(environmentsFile),
    idTokenIssuer: httpIdTokenIssuer(cloud.oidc.idTokenGrantUrl),
    githubApi: { url: cloud.github.apiUrl, token: cloud.github.token },
    runDir,
    toolCache: join(stateDir, 'tool-cache'),
    onEvent: (event) => {
      print(event);
      recorder.onEvent(event);
    },
    ...extra,
  });
  const summaries = outcome.result.jobs
    .flatMap((job) => [job, ...(job.workflow?.jobs ?? [])])
    .filter((job) => job.summary.trim() !== '')
    .map((job) => `<!-- job ${job.id} -->\n${job.summary.trim()}\n`);
  writeFileSync(join(outcome.runDir, 'summary.md'), summaries.join('\n'));
  const page = writeRunPage(outcome.runDir, outcome.result, recorder);
  console.log(`run directory: ${relative(process.cwd(), outcome.runDir)} (job summaries: summary.md)`);
  console.log(`run page: ${relative(process.cwd(), page)} (open it in a browser)`);
  if (outcome.result.result !== 'success') {
    const failed = outcome.result.jobs.flatMap((job) => [job, ...(job.workflow?.jobs ?? [])]);
    const reasons = failed
      .filter((job) => job.result === 'failure')
      .map((job) => `${job.id}: ${job.error ?? 'failed'}`);
    throw new Error(`${workflow} ${outcome.result.result}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
  }
  return outcome.result;
}

/** `env [--state-dir DIR]`: export lines on stdout; never starts the cloud. */
async function printEnv(args: readonly string[]): Promise<number> {
  const [flag, dir, ...rest] = args;
  if ((flag !== undefined && (flag !== '--state-dir' || dir === undefined)) || rest.length > 0) {
    throw new Error(`unknown arguments '${args.join(' ')}'; usage: scripts/main.sh env [--state-dir DIR]`);
  }
  const from = dir ?? stateDir;
  const cloud = await runningCloud(from);
  if (!cloud) {
    console.error(
      `the local cloud is not running in ${relative(process.cwd(), from) || '.'}; start it with scripts/main.sh`,
    );
    return 1;
  }
  process.stdout.write(envExports(cloud));
  return 0;
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === 'stop') {
    console.log(await stopLocalCloud(root, stateDir));
    return 0;
  }
  if (args[0] === 'env') return printEnv(args.slice(1));
  const unknown = args.filter((a) => a !== '--verbose' && a !== '--debug');
  if (unknown.length > 0) {
    throw new Error(
      `unknown arguments '${unknown.join(' ')}'; usage: scripts/main.sh [--verbose] [--debug] | stop | env`,
    );
  }
  const view: LogView = {
    verbose: args.includes('--verbose'),
    debug: args.includes('--debug') || stepDebug(process.env),
  };
  const started = Date.now();

  let done = step('local cloud (STS, ECR, registry, EKS, Kubernetes) on 127.0.0.1');
  if (await dropPreTerraformState(root, stateDir)) {
    console.log(`the local cloud's state in ${relative(process.cwd(), stateDir)} predates Terraform: starting it anew`);
  }
  const cloudIsNew = cloudStateIsNew(stateDir);
  const cloud = await ensureLocalCloud(root, stateDir, repository, ENVIRONMENTS, (line) => console.log(line));
  console.log(`state: ${relative(process.cwd(), stateDir)} (pid ${cloud.pid}), registry ${cloud.registry.host}`);
  done();

  done = step(
    cloudIsNew
      ? 'IAM roles, ECR repository, EKS access entries: terraform apply of infra/terraform/examples/licensing-service'
      : 'IAM roles, ECR repository, EKS access entries: applied before (terraform output)',
  );
  const setup = await ensureTerraformSetup({
    root,
    stateDir,
    cloud,
    workload,
    cloudIsNew,
    log: (line) => console.log(line),
  });
  if (setup.applyMs !== undefined) console.log(`terraform apply: ${formatDuration(setup.applyMs)}`);
  done();

  done = step('JRE base image (Debian packages, cached per machine)');
  const base = await ensureBaseImage({ logger: consoleLogger });
  const baseImage = `oci:${base.layoutDir}@${base.digest}`;
  console.log(`base image: ${baseImage}`);
  done();

  const environmentsFile = join(stateDir, 'environments.yml');
  writeEnvironmentsFile(join(service, '.github/environments.local.yml'), environmentsFile, cloud, baseImage, {
    terraform: setup.outputs,
  });

  done = step('build.yml: build, platform test, publish and sign, deploy to dev (push to main)');
  const build = findWorkflowOutputs(await runCaller(view, cloud, environmentsFile, 'build.yml', { event: 'push' }));
  const verified: Record<string, string> = { dev: build.verified ?? '' };
  const digest = build.digest ?? '';
  const imageUri = build['image-uri'] ?? '';
  if (!/^sha256:[0-9a-f]{64}$/.test(digest) || !imageUri.endsWith(`@${digest}`)) {
    throw new Error(`build.yml's outputs do not carry one digest: digest '${digest}', image-uri '${imageUri}'`);
  }
  done();

  for (const [target, source] of [
    ['test', 'dev'],
    ['prod', 'test'],
  ] as const) {
    done = step(`promote.yml: ${source} -> ${target}${target === 'prod' ? ' (approved: --approve prod)' : ''}`);
    const promoted = await runCaller(view, cloud, environmentsFile, 'promote.yml', {
      event: 'workflow_dispatch',
      inputs: { environment: target, 'from-environment': source },
      approve: target === 'prod' ? ['prod'] : [],
    });
    verified[target] = findWorkflowOutputs(promoted).verified ?? '';
    done();
  }

  const rows: ReportRow[] = [];
  for (const environment of ENVIRONMENTS) {
    const state: EnvironmentState = await readEnvironmentState(cloud.kube.kubeconfig, environment, workload);
    rows.push({ environment, state, expected: digest, imageUri, verified: verified[environment] ?? '' });
  }
  const ok = printReport(rows, {
    imageUri,
    stop: 'scripts/main.sh stop',
    env: 'scripts/main.sh env',
    repository,
    durationMs: Date.now() - started,
  });
  const runsDir = join(stateDir, 'runs');
  console.log(
    `runs kept: ${readdirSync(runsDir).length} in ${relative(process.cwd(), runsDir)}, ${formatBytes(diskUsage(runsDir))} on disk (artifacts are hard links)`,
  );
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`main job failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
