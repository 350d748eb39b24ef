// The main job of scripts/main.ts, step for step, into a run directory of the caller's choosing
// and against a local cloud started in this process (so the secrets it mints can be read back where
// they are minted): the caller build.yml on a push to main, then promote.yml dev -> test and
// test -> prod (approved). Like main.ts it writes each run's job summaries to summary.md; it also
// writes each run's outputs to outputs.json, and every line the printer shows to main-job.out.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPrinter,
  httpIdTokenIssuer,
  loadEnvironments,
  type RunOptions,
  type RunOutcome,
  runWorkflow,
  type WorkflowResult,
} from '@bakeline/workflow-runner';

export interface MainJobOptions {
  /** a copy of examples/licensing-service */
  service: string;
  repository: string;
  environmentsFile: string;
  idTokenGrantUrl: string;
  /** the local cloud's GitHub attestations API and its token (publish stores there) */
  githubApi: { url: string; token: string };
  runsDir: string;
  toolCache: string;
  /** every printed line is appended here */
  outFile: string;
}

export interface MainJobResult {
  digest: string;
  imageUri: string;
  runs: RunOutcome[];
}

function allJobs(result: WorkflowResult) {
  return result.jobs.flatMap((job) => [job, ...(job.workflow?.jobs ?? [])]);
}

async function runCaller(
  options: MainJobOptions,
  workflow: 'build.yml' | 'promote.yml',
  extra: Pick<RunOptions, 'event' | 'inputs' | 'approve'>,
): Promise<RunOutcome> {
  const runDir = join(options.runsDir, `${Date.now()}-${workflow.replace('.yml', '')}`);
  mkdirSync(runDir, { recursive: true });
  // every line as the steps wrote it, commands included: nothing folded or hidden from the scan
  const print = createPrinter((line) => appendFileSync(options.outFile, `${line}\n`), { logs: true, raw: true });
  const outcome = await runWorkflow({
    workflow: join(options.service, '.github/workflows', workflow),
    repoDir: options.service,
    repository: options.repository,
    environments: loadEnvironments(options.environmentsFile),
    idTokenIssuer: httpIdTokenIssuer(options.idTokenGrantUrl),
    githubApi: options.githubApi,
    runDir,
    toolCache: options.toolCache,
    onEvent: print,
    ...extra,
  });
  const jobs = allJobs(outcome.result);
  writeFileSync(
    join(outcome.runDir, 'summary.md'),
    jobs
      .filter((job) => job.summary.trim() !== '')
      .map((job) => `<!-- job ${job.id} -->\n${job.summary.trim()}\n`)
      .join('\n'),
  );
  writeFileSync(
    join(outcome.runDir, 'outputs.json'),
    JSON.stringify(
      jobs.map((job) => ({
        job: job.id,
        outputs: job.outputs,
        steps: job.steps.map((s) => ({ step: s.name, outputs: s.outputs })),
      })),
      null,
      2,
    ),
  );
  if (outcome.result.result !== 'success') {
    const reasons = jobs.filter((job) => job.result === 'failure').map((job) => `${job.id}: ${job.error ?? 'failed'}`);
    throw new Error(`${workflow} ${outcome.result.result} (${reasons.join('; ')}); log: ${options.outFile}`);
  }
  return outcome;
}

export async function runMainJob(options: MainJobOptions): Promise<MainJobResult> {
  const build = await runCaller(options, 'build.yml', { event: 'push' });
  const outputs = build.result.jobs.find((job) => job.workflow)?.workflow?.outputs ?? {};
  const digest = outputs.digest ?? '';
  const imageUri = outputs['image-uri'] ?? '';
  if (!/^sha256:[0-9a-f]{64}$/.test(digest) || !imageUri.endsWith(`@${digest}`)) {
    throw new Error(`build.yml's outputs do not carry one digest: digest '${digest}', image-uri '${imageUri}'`);
  }
  const runs = [build];
  for (const [target, source] of [
    ['test', 'dev'],
    ['prod', 'test'],
  ] as const) {
    runs.push(
      await runCaller(options, 'promote.yml', {
        event: 'workflow_dispatch',
        inputs: { environment: target, 'from-environment': source },
        approve: target === 'prod' ? ['prod'] : [],
      }),
    );
  }
  return { digest, imageUri, runs };
}
