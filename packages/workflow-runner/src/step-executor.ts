// Runs one step that is due: a `run:` script or a `uses:` action (bakeline's from dist/ through
// @bakeline/action-host, pre and post included; a local ./ action; or a mapped third-party action).
import { join, resolve } from 'node:path';
import { resolveNode, runActionStep } from '@bakeline/action-host';
import { resolveAction, unmappedError } from './action-refs.ts';
import { runBuiltinAction } from './builtin-actions.ts';
import type { RunGithub } from './github-context.ts';
import type { RunSession } from './session.ts';
import { runShellStep } from './shell-step.ts';

export interface StepEffects {
  exitCode: number;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  summary: string;
  masks: string[];
  mappedTo?: string;
  error?: string;
  /** The step was stopped by a cancellation of its job. */
  cancelled?: boolean;
}

export interface ShellWork {
  kind: 'run';
  script: string;
  shell: string;
  workingDirectory: string;
}

export interface UsesWork {
  kind: 'uses';
  uses: string;
  inputs: Record<string, string>;
}

export interface StepPlace {
  session: RunSession;
  github: RunGithub;
  jobId: string;
  workspace: string;
  temp: string;
  stepDir: string;
  /** The whole environment of the step (host, runner defaults, env:, GITHUB_ENV, PATH). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Aborted when the job is cancelled: the step in progress is stopped. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** What the runner logs for a step stopped by a cancellation. */
const CANCELED = 'The operation was canceled.';

function none(): StepEffects {
  return { exitCode: 0, outputs: {}, exportedEnv: {}, addedPath: [], summary: '', masks: [] };
}

export async function executeStep(work: ShellWork | UsesWork, place: StepPlace): Promise<StepEffects> {
  if (work.kind === 'run') {
    const result = await runShellStep({
      script: work.script,
      shell: work.shell,
      workingDirectory: work.workingDirectory,
      env: place.env,
      stepDir: place.stepDir,
      timeoutMs: place.timeoutMs,
      ...(place.signal === undefined ? {} : { signal: place.signal }),
      onLine: place.log,
    });
    const effects: StepEffects = { ...none(), ...result, masks: [] };
    if (result.cancelled) effects.error = CANCELED;
    else if (result.timedOut)
      effects.error = `the step timed out after ${Math.round(place.timeoutMs / 60000)} minute(s)`;
    else if (result.exitCode !== 0) effects.error = `process completed with exit code ${result.exitCode}`;
    return effects;
  }
  const target = resolveAction(work.uses, place.workspace, {
    bakelineRoot: place.session.bakelineRoot,
    ...(place.session.actionsRepository ? { actionsRepository: place.session.actionsRepository } : {}),
  });
  if (target.kind === 'unmapped') throw unmappedError(work.uses);
  if (target.kind === 'builtin') {
    const result = await runBuiltinAction(
      target.action,
      {
        workspace: place.workspace,
        temp: place.temp,
        store: place.session.store,
        snapshot: place.session.snapshot,
        repository: place.github.repository,
        ref: place.github.ref,
        runId: place.github.runId,
        serverUrl: place.github.serverUrl,
        env: place.env,
        githubToken: place.github.token,
        ...(place.session.remoteUrl === undefined ? {} : { remoteUrl: place.session.remoteUrl }),
        tokens: place.session.tokens,
        githubApps: place.session.githubApps,
        node: place.session.node ?? resolveNode('node24'),
        mask: (secret) => place.session.masker.add(secret),
        log: place.log,
      },
      work.inputs,
    );
    return {
      ...none(),
      outputs: result.outputs,
      exportedEnv: result.exportedEnv ?? {},
      addedPath: result.addedPath ?? [],
      masks: result.masks ?? [],
      mappedTo: `local ${target.action} (see README)`,
    };
  }
  const actionDir = target.dir;
  const mappedTo =
    target.kind === 'bakeline' ? `actions/${target.name}/dist (working tree; @${target.ref} not fetched)` : actionDir;
  const gh = place.github;
  const result = await runActionStep({
    actionDir,
    inputs: work.inputs,
    workspace: place.workspace,
    env: target.kind === 'bakeline' ? { ...place.env, ...actionRepositoryEnv(work.uses) } : place.env,
    runnerTemp: place.temp,
    toolCache: place.session.toolCache,
    github: {
      sha: gh.sha,
      ref: gh.ref,
      repository: gh.repository,
      runId: gh.runId,
      runAttempt: gh.runAttempt,
      serverUrl: gh.serverUrl,
      eventName: gh.eventName,
      actor: gh.actor,
      job: place.jobId,
      workflow: gh.workflow,
    },
    timeoutMs: place.timeoutMs,
    ...(place.signal === undefined ? {} : { signal: place.signal }),
    ...(place.session.node ? { node: place.session.node } : {}),
    onLine: place.log,
  });
  for (const line of result.stderr.split('\n')) if (line !== '') place.log(line);
  for (const name of result.unexpectedInputs) {
    place.log(
      `warning: Unexpected input(s) '${name}', valid inputs are [${Object.keys(result.metadata.inputs).join(', ')}]`,
    );
  }
  const effects: StepEffects = {
    exitCode: result.exitCode,
    outputs: result.outputs,
    exportedEnv: result.exportedEnv,
    addedPath: result.addedPath,
    summary: result.summary,
    masks: result.masks,
    mappedTo,
  };
  if (result.cancelled) {
    effects.cancelled = true;
    effects.error = CANCELED;
  } else if (result.exitCode !== 0) {
    const phase = result.phases.find((p) => p.exitCode !== 0)?.name ?? 'main';
    effects.error = `${work.uses} failed (${phase} exited ${result.exitCode})`;
  }
  return effects;
}

export function resolveWorkingDirectory(workspace: string, dir: string | undefined): string {
  return dir === undefined || dir === '' ? workspace : resolve(workspace, dir);
}

export function stepDirName(jobDir: string, index: number): string {
  return join(jobDir, 'steps', String(index + 1).padStart(2, '0'));
}

/**
 * GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF of a step that uses `owner/repo/path@ref`, as the
 * runner sets them (eks-promote's attestation policy names build.yml of the action's repository).
 */
export function actionRepositoryEnv(uses: string): Record<string, string> {
  const m = /^([^/@\s]+\/[^/@\s]+)(?:\/[^@]*)?@(.+)$/.exec(uses);
  if (!m?.[1] || !m[2]) return {};
  return { GITHUB_ACTION_REPOSITORY: m[1], GITHUB_ACTION_REF: m[2] };
}
