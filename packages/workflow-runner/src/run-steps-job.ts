// A job with `steps:`: its environment (GitHub environment, vars, secrets, protection rules), its
// permissions (id-token decides whether it can request an OIDC token), env precedence
// (workflow < job < GITHUB_ENV < step), `if:` per step with the status functions, `outputs:`.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CommandProcessor, hostEnv } from '@bakeline/action-host';

import { EnvironmentRefused, enterEnvironment } from './environments.ts';
import {
  evaluateCondition,
  evaluateNode,
  evaluateString,
  evaluateStringMap,
  type JsonValue,
  type Scope,
} from './expressions.ts';
import { hashFilesFunction, statusFunctions } from './functions.ts';
import { githubContext, idTokenClaims, type JobPlace, runnerContext, runnerEnv } from './github-context.ts';
import { compact, grants, type Permissions } from './permissions.ts';
import type { JobResult, StepResult } from './run-types.ts';
import { type Invocation, newJobDir, type RunSession } from './session.ts';
import { executeStep, resolveWorkingDirectory, type StepEffects, stepDirName } from './step-executor.ts';
import type { StepSpec, StepsJobSpec } from './workflow-model.ts';
import { WorkflowSyntaxError } from './workflow-node.ts';

export interface JobInput {
  session: RunSession;
  inv: Invocation;
  job: StepsJobSpec;
  name: string;
  needs: Record<string, JsonValue>;
  workflowEnv: Record<string, string>;
  permissions: Permissions;
  result: JobResult;
  /** Aborted when a concurrency group cancels the job: the steps not yet started are skipped (unless `always()`/`cancelled()`). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MINUTES = 360;

function minutes(node: StepSpec['timeoutMinutes'], scope: Scope, file: string, what: string): number | undefined {
  if (node === undefined) return undefined;
  const value = evaluateNode(node, scope, file, what);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new WorkflowSyntaxError(file, node.pos, `${what}: expected minutes > 0, got ${JSON.stringify(value)}`);
  return n;
}

function defaultStepName(step: StepSpec): string {
  if (step.uses !== undefined) return `Run ${step.uses}`;
  if (step.run?.kind === 'literal') return `Run ${String(step.run.value).split('\n')[0]}`;
  return 'Run script';
}

export async function runStepsJob(input: JobInput): Promise<void> {
  const { session, inv, job, result } = input;
  const file = inv.spec.file;
  // each job its own GITHUB_TOKEN, with the job's permissions (what a push or an API call may do)
  // with a GitHub API stand-in, only a job granted `attestations: write` holds the token it accepts
  const apiToken = grants(input.permissions, 'attestations', 'write') ? session.githubApiToken : undefined;
  const jobToken = session.tokens.issue('GITHUB_TOKEN', job.id, compact(input.permissions), apiToken).token;
  session.masker.add(jobToken);
  const gh = { ...session.github, token: jobToken };
  const depth = inv.depth;
  // workflow commands as the runner parses them (action-command.ts); between
  // `::stop-commands::<token>` and `::<token>::` no line is a command (e.g. a container log)
  const commands = new CommandProcessor();
  const log = (line: string) => {
    const outcome = commands.process(line);
    if (outcome.kind === 'stopped' && outcome.token.length > 6) session.masker.add(outcome.token);
    if (outcome.kind === 'refused') {
      session.emit({ type: 'log', depth, jobId: job.id, line: session.masker.apply(`error: ${outcome.message}`) });
    }
    if (outcome.kind === 'command' && outcome.command.command.toLowerCase() === 'add-mask') {
      const value = outcome.command.data;
      if (value.trim() === '') {
        session.emit({
          type: 'log',
          depth,
          jobId: job.id,
          line: "warning: Can't add secret mask for empty string in ##[add-mask] command.",
        });
      } else session.masker.add(value);
      return;
    }
    session.emit({ type: 'log', depth, jobId: job.id, line: session.masker.apply(line) });
  };

  // environment, vars, secrets
  const jobScope: Scope = {
    contexts: { github: githubContext(gh), needs: input.needs, vars: session.environments.vars, inputs: inv.inputs },
  };
  let vars = { ...session.environments.vars };
  let secrets = { ...inv.secrets };
  let environmentName: string | undefined;
  if (job.environment !== undefined) {
    const env = evaluateNode(job.environment, jobScope, file, `jobs.${job.id}.environment`);
    const name =
      typeof env === 'string'
        ? env
        : env !== null && typeof env === 'object' && !Array.isArray(env)
          ? env.name
          : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new WorkflowSyntaxError(
        file,
        job.environment.pos,
        `jobs.${job.id}.environment: expected a name, got ${JSON.stringify(env)}`,
      );
    }
    environmentName = name;
    result.environment = name;
    try {
      const spec = enterEnvironment(session.environments, name, gh.ref, session.approved);
      vars = { ...vars, ...spec.vars };
      secrets = { ...secrets, ...spec.secrets };
      for (const v of Object.values(spec.secrets)) session.masker.add(v);
    } catch (error) {
      if (error instanceof EnvironmentRefused) {
        result.result = 'failure';
        result.error = error.message;
        log(`error: ${error.message}`);
        return;
      }
      throw error;
    }
  }
  secrets.GITHUB_TOKEN = gh.token;

  const jobDir = newJobDir(session, job.id);
  const place: JobPlace = {
    job: job.id,
    workspace: join(jobDir, 'workspace'),
    temp: join(jobDir, 'temp'),
    toolCache: session.toolCache,
    eventPath: join(jobDir, 'event.json'),
    jobWorkflowRef: inv.jobWorkflowRef,
  };
  mkdirSync(place.workspace, { recursive: true });
  mkdirSync(place.temp, { recursive: true });
  writeFileSync(place.eventPath, JSON.stringify(gh.event));

  const envScope: Scope = {
    contexts: { github: githubContext(gh, place), needs: input.needs, vars, secrets, inputs: inv.inputs },
  };
  const jobEnv = evaluateStringMap(job.env, envScope, file, `jobs.${job.id}.env`);
  if (job.runsOn !== undefined) {
    const labels = evaluateNode(job.runsOn, jobScope, file, `jobs.${job.id}.runs-on`);
    result.runsOn = Array.isArray(labels) ? labels.map(String) : [String(labels)];
  }

  // OIDC: only with `id-token: write`, as on GitHub
  const runtimeEnv: Record<string, string> = {};
  if (grants(input.permissions, 'id-token', 'write')) {
    if (session.idTokenIssuer === undefined) {
      log('note: id-token: write is granted but no ID-token issuer is configured; OIDC requests will fail');
    } else {
      const claims = idTokenClaims(gh, place, environmentName);
      const issued = await session.idTokenIssuer.requestFor(claims);
      session.masker.add(issued.requestToken);
      runtimeEnv.ACTIONS_ID_TOKEN_REQUEST_URL = issued.requestUrl;
      runtimeEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN = issued.requestToken;
      log(`OIDC: token requests for sub '${claims.sub}'`);
    }
  }

  const jobDeadline =
    Date.now() +
    (minutes(job.timeoutMinutes, envScope, file, `jobs.${job.id}.timeout-minutes`) ?? DEFAULT_TIMEOUT_MINUTES) * 60_000;
  const exported: Record<string, string> = {};
  const addedPath: string[] = [];
  const stepsContext: Record<string, JsonValue> = {};
  let failed = false;
  const cancelled = () => input.signal?.aborted === true;
  const status = statusFunctions({ succeeded: () => !failed, failed: () => failed, cancelled });
  const functions = [...status, hashFilesFunction(place.workspace)];
  const checkRunId = Number.parseInt(
    createHash('sha256').update(`${gh.runId}/${job.id}`).digest('hex').slice(0, 10),
    16,
  );
  const stepContexts = (env: Record<string, string>): Record<string, JsonValue> => ({
    github: githubContext(gh, place),
    needs: input.needs,
    // check_run_id: GitHub's numeric id of the job's check run (what a job's log URL names)
    job: {
      status: failed ? 'failure' : cancelled() ? 'cancelled' : 'success',
      container: {},
      services: {},
      check_run_id: checkRunId,
    },
    runner: runnerContext(place),
    env,
    vars,
    secrets,
    steps: stepsContext,
    inputs: inv.inputs,
  });

  for (const step of job.steps) {
    const started = Date.now();
    const baseEnv = { ...input.workflowEnv, ...jobEnv, ...exported };
    const scope: Scope = { contexts: stepContexts(baseEnv), functions };
    const what = `jobs.${job.id}.steps[${step.index}]`;
    const name = step.name
      ? evaluateString(step.name, { contexts: stepContexts(baseEnv) }, file, `${what}.name`)
      : defaultStepName(step);
    const record: StepResult = {
      index: step.index,
      name,
      outcome: 'skipped',
      conclusion: 'skipped',
      outputs: {},
      durationMs: 0,
    };
    if (step.id !== undefined) record.id = step.id;
    if (step.uses !== undefined) record.uses = step.uses;
    if (!evaluateCondition(step.if, scope)) {
      result.steps.push(record);
      if (step.id !== undefined) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      session.emit({ type: 'step-end', depth, jobId: job.id, step: record });
      continue;
    }
    session.emit({ type: 'step-start', depth, jobId: job.id, name });
    let effects: StepEffects;
    let continueOnError = false;
    try {
      const stepEnv = evaluateStringMap(
        step.env,
        { contexts: stepContexts(baseEnv), functions: [hashFilesFunction(place.workspace)] },
        file,
        `${what}.env`,
      );
      const env = { ...baseEnv, ...stepEnv };
      const evalScope: Scope = { contexts: stepContexts(env), functions: [hashFilesFunction(place.workspace)] };
      if (step.continueOnError !== undefined) {
        const v = evaluateNode(step.continueOnError, evalScope, file, `${what}.continue-on-error`);
        continueOnError = v === true || v === 'true';
      }
      const stepTimeout = minutes(step.timeoutMinutes, evalScope, file, `${what}.timeout-minutes`);
      const timeoutMs = Math.max(
        1,
        Math.min(jobDeadline - Date.now(), stepTimeout === undefined ? Number.POSITIVE_INFINITY : stepTimeout * 60_000),
      );
      const processEnv: Record<string, string> = {
        ...hostEnv(),
        ...session.extraEnv,
        ...runnerEnv(gh, place, step.id ?? `__run_${step.index}`),
        ...runtimeEnv,
        ...env,
      };
      if (addedPath.length > 0) processEnv.PATH = [...[...addedPath].reverse(), processEnv.PATH ?? ''].join(delimiter);
      const stepPlace = {
        session,
        github: gh,
        jobId: job.id,
        workspace: place.workspace,
        temp: place.temp,
        stepDir: stepDirName(jobDir, step.index),
        env: processEnv,
        timeoutMs,
        // a step that runs after the cancellation (always(), cancelled()) is not stopped by it
        ...(input.signal === undefined || input.signal.aborted ? {} : { signal: input.signal }),
        log,
      };
      if (step.run !== undefined) {
        const script = evaluateString(step.run, evalScope, file, `${what}.run`);
        if (step.name === undefined) record.name = `Run ${script.trim().split('\n')[0] ?? ''}`;
        const wdNode = step.workingDirectory ?? job.defaults?.workingDirectory ?? inv.spec.defaults?.workingDirectory;
        const wd =
          wdNode === undefined ? undefined : evaluateString(wdNode, evalScope, file, `${what}.working-directory`);
        const shell = step.shell ?? job.defaults?.shell ?? inv.spec.defaults?.shell ?? 'bash';
        effects = await executeStep(
          { kind: 'run', script, shell, workingDirectory: resolveWorkingDirectory(place.workspace, wd) },
          stepPlace,
        );
      } else {
        const inputs = evaluateStringMap(step.with, evalScope, file, `${what}.with`);
        effects = await executeStep({ kind: 'uses', uses: step.uses ?? '', inputs }, stepPlace);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      effects = { exitCode: 1, outputs: {}, exportedEnv: {}, addedPath: [], summary: '', masks: [], error: message };
    }
    for (const m of effects.masks) session.masker.add(m);
    if (effects.error !== undefined) log(`error: ${effects.error}`);
    Object.assign(exported, effects.exportedEnv);
    addedPath.push(...effects.addedPath);
    result.summary += effects.summary;
    record.outcome = effects.cancelled ? 'cancelled' : effects.exitCode === 0 ? 'success' : 'failure';
    record.conclusion = record.outcome === 'failure' && continueOnError ? 'success' : record.outcome;
    record.outputs = Object.fromEntries(Object.entries(effects.outputs).map(([k, v]) => [k, session.masker.apply(v)]));
    record.name = session.masker.apply(record.name);
    record.durationMs = Date.now() - started;
    if (effects.mappedTo !== undefined) record.mappedTo = effects.mappedTo;
    if (effects.error !== undefined) record.error = session.masker.apply(effects.error);
    if (record.conclusion === 'failure') failed = true;
    if (step.id !== undefined) {
      stepsContext[step.id] = { outputs: effects.outputs, outcome: record.outcome, conclusion: record.conclusion };
    }
    result.steps.push(record);
    session.emit({ type: 'step-end', depth, jobId: job.id, step: record });
  }

  // outputs (evaluated after the steps, also after a failure, as GitHub does)
  const outScope: Scope = { contexts: stepContexts({ ...input.workflowEnv, ...jobEnv, ...exported }) };
  const outputs = evaluateStringMap(job.outputs, outScope, file, `jobs.${job.id}.outputs`);
  for (const [k, v] of Object.entries(outputs)) {
    if (session.masker.reveals(v)) {
      log(`warning: Skip output '${k}' since it may contain secret.`);
      continue;
    }
    result.outputs[k] = v;
  }
  result.permissions = compact(input.permissions);
  result.result = failed ? 'failure' : cancelled() ? 'cancelled' : 'success';
  if (cancelled() && result.error === undefined) result.error = errorText(input.signal?.reason);
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
