// bakeline's chain as the main job runs it (scripts/main.ts): the example's caller workflows through
// the local workflow runner, build.yml on a push to main (maven-build, docker-bake, platform-test,
// ecr-push, eks-promote to dev), then promote.yml dev -> test and test -> prod (prod approved).
// Timed from the first workflow's start to the last one's end; each step's own duration comes
// from the runner's results. The main job's printer and run page are not part of the pipeline and
// are left out. After the clock stops every environment must run the built digest.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  httpIdTokenIssuer,
  loadEnvironments,
  type RunOptions,
  runWorkflow,
  type WorkflowResult,
} from '@bakeline/workflow-runner';
import { mavenReportedMs } from './pipeline-checks.ts';
import { type BenchCloud, GITHUB_REPOSITORY } from './pipeline-cloud.ts';
import { type StepTiming, stepTimings } from './pipeline-results.ts';
import { checkSide } from './pipeline-verify.ts';

export interface BakelineRun {
  totalMs: number;
  steps: StepTiming[];
  mavenMs?: number;
  digest: string;
  imageUri: string;
}

export interface BakelineOptions {
  cloud: BenchCloud;
  repoDir: string;
  /** Parent of the run directories (removed after each run: they hold the image artifact). */
  runsDir: string;
  /** RUNNER_TOOL_CACHE shared across runs (the main job's, so the Maven cache is warm). */
  toolCache: string;
}

function workflowOutputs(result: WorkflowResult): Record<string, string> {
  for (const job of result.jobs) if (job.workflow) return { ...job.workflow.outputs };
  return {};
}

export async function runBakelineChain(options: BakelineOptions): Promise<BakelineRun> {
  const { cloud } = options;
  const environments = loadEnvironments(cloud.environmentsFile);
  const buildLog: string[] = [];
  let count = 0;
  const run = async (
    workflow: 'build.yml' | 'promote.yml',
    extra: Pick<RunOptions, 'event' | 'inputs' | 'approve'>,
  ): Promise<WorkflowResult> => {
    count += 1;
    const runDir = join(options.runsDir, `${count}-${workflow.replace('.yml', '')}`);
    mkdirSync(runDir, { recursive: true });
    const outcome = await runWorkflow({
      workflow: join(options.repoDir, '.github/workflows', workflow),
      repoDir: options.repoDir,
      repository: GITHUB_REPOSITORY,
      environments,
      idTokenIssuer: httpIdTokenIssuer(cloud.cloud.oidc.idTokenGrantUrl),
      // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
      githubApi: { url: cloud.cloud.github.apiUrl, token: cloud.cloud.github.token },
      runDir,
      toolCache: options.toolCache,
      onEvent: (event) => {
        if (workflow === 'build.yml' && event.type === 'log' && event.jobId === 'build') buildLog.push(event.line);
      },
      ...extra,
    });
    if (outcome.result.result !== 'success') {
      const failed = outcome.result.jobs
        .flatMap((job) => [job, ...(job.workflow?.jobs ?? [])])
        .filter((job) => job.result === 'failure')
        .map((job) => `${job.id}: ${job.error ?? 'failed'}`);
      throw new Error(`bakeline ${workflow} ${outcome.result.result} (${failed.join('; ')}); run directory ${runDir}`);
    }
    return outcome.result;
  };

  rmSync(options.runsDir, { recursive: true, force: true });
  const started = performance.now();
  const build = await run('build.yml', { event: 'push' });
  const promotions: WorkflowResult[] = [];
  for (const [target, source] of [
    ['test', 'dev'],
    ['prod', 'test'],
  ] as const) {
    promotions.push(
      await run('promote.yml', {
        event: 'workflow_dispatch',
        inputs: { environment: target, 'from-environment': source },
        approve: target === 'prod' ? ['prod'] : [],
      }),
    );
  }
  const totalMs = performance.now() - started;

  const outputs = workflowOutputs(build);
  const digest = outputs.digest ?? '';
  const imageUri = outputs['image-uri'] ?? '';
  if (!imageUri.endsWith(`@${digest}`)) {
    throw new Error(`bakeline build.yml: image-uri '${imageUri}' does not end with its digest '${digest}'`);
  }
  await checkSide(cloud, 'bakeline', digest, imageUri, (environment) => environment);
  rmSync(options.runsDir, { recursive: true, force: true });
  const steps = [build, ...promotions].flatMap(stepTimings);
  const inSteps = steps.reduce((sum, s) => sum + s.ms, 0);
  // what the runner spends around the steps: snapshots, job set-up, artifacts, between jobs
  steps.push({ name: 'runner: outside the steps', ms: totalMs - inSteps });
  const mavenMs = mavenReportedMs(buildLog);
  return { totalMs, steps, ...(mavenMs === undefined ? {} : { mavenMs }), digest, imageUri };
}
