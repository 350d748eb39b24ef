// Runs one workflow's jobs in `needs` order: job `if:` with the status functions over the needed
// jobs, job outputs into `needs`, reusable-workflow calls (inputs, secrets, permissions capped by
// the caller), and the `workflow_call` outputs.
import { relative } from 'node:path';
import { resolveWorkflow, workflowRepoRoot } from './action-refs.ts';
import type { Admission } from './concurrency-groups.ts';
import {
  evaluateCondition,
  evaluateNode,
  evaluateString,
  evaluateStringMap,
  type JsonValue,
  type Scope,
} from './expressions.ts';
import { statusFunctions } from './functions.ts';
import { githubContext } from './github-context.ts';
import { ancestors, orderJobs } from './job-graph.ts';
import { checkWithin, compact, defaultPermissions, type Permissions, parsePermissions } from './permissions.ts';
import { runStepsJob } from './run-steps-job.ts';
import type { ConcurrencyRecord, JobResult, WorkflowResult } from './run-types.ts';
import type { Invocation, RunSession } from './session.ts';
import { parseWorkflowFile } from './workflow-file.ts';
import { resolveInputs } from './workflow-inputs.ts';
import { type CallJobSpec, type JobSpec, readWorkflowSpec, type WorkflowSpec } from './workflow-model.ts';
import { type WorkflowNode, WorkflowSyntaxError } from './workflow-node.ts';

function concurrencyOf(
  node: WorkflowNode | undefined,
  scope: Scope,
  file: string,
  what: string,
): ConcurrencyRecord | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'map') {
    const group = node.entries.find((e) => e.key === 'group');
    const cancel = node.entries.find((e) => e.key === 'cancel-in-progress');
    for (const e of node.entries) {
      if (e.key !== 'group' && e.key !== 'cancel-in-progress') {
        throw new WorkflowSyntaxError(file, e.pos, `${what}: key '${e.key}' is not supported by the local runner`);
      }
    }
    if (group === undefined) throw new WorkflowSyntaxError(file, node.pos, `${what}: missing 'group'`);
    const cancelValue =
      cancel === undefined ? false : evaluateNode(cancel.value, scope, file, `${what}.cancel-in-progress`);
    return {
      group: evaluateString(group.value, scope, file, `${what}.group`),
      cancelInProgress: cancelValue === true || cancelValue === 'true',
    };
  }
  return { group: evaluateString(node, scope, file, what), cancelInProgress: false };
}

/** Waits for the group (no group: admitted at once); tells what it waits for. */
async function enterGroup(
  session: RunSession,
  record: ConcurrencyRecord | undefined,
  label: string,
  depth: number,
  jobId: string,
): Promise<Admission> {
  if (record === undefined)
    return { admitted: true, lease: { signal: new AbortController().signal, release: () => {} } };
  const running = session.concurrency.runningIn(session.github.repository, record.group);
  if (running !== undefined) {
    session.emit({
      type: 'log',
      depth,
      jobId,
      line: `Waiting for a running ${running} to complete (concurrency group '${record.group}')`,
    });
  }
  return session.concurrency.acquire({
    repository: session.github.repository,
    group: record.group,
    cancelInProgress: record.cancelInProgress,
    runKey: session.runKey,
    label,
  });
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}

function reasonText(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

function jobPermissions(job: JobSpec, inv: Invocation): Permissions {
  const node = job.permissions ?? inv.spec.permissions;
  if (node === undefined) return inv.ceiling ?? defaultPermissions();
  const wanted = parsePermissions(node, `${inv.spec.file}: jobs.${job.id}.permissions`);
  if (inv.ceiling !== undefined) checkWithin(wanted, inv.ceiling, job.id);
  return wanted;
}

async function runCallJob(
  session: RunSession,
  inv: Invocation,
  job: CallJobSpec,
  scope: Scope,
  permissions: Permissions,
  result: JobResult,
  signal: AbortSignal,
): Promise<void> {
  const file = inv.spec.file;
  const target = resolveWorkflow(job.uses, inv.repoRoot, {
    bakelineRoot: session.bakelineRoot,
    ...(session.actionsRepository ? { actionsRepository: session.actionsRepository } : {}),
  });
  const display = relative(session.bakelineRoot, target.path).startsWith('..')
    ? target.path
    : relative(session.bakelineRoot, target.path);
  const spec = readWorkflowSpec(await parseWorkflowFile(target.path, display));
  if (spec.callInputs === undefined) throw new Error(`${job.uses}: the workflow has no 'on: workflow_call'`);
  const given = job.with
    ? (evaluateNode(job.with, scope, file, `jobs.${job.id}.with`) as Record<string, JsonValue>)
    : {};
  const inputs = resolveInputs(spec.callInputs, given, {
    where: `${job.uses} (called by job '${job.id}')`,
    fromText: false,
    evaluateDefault: (s) =>
      evaluateNode(
        s.default as WorkflowNode,
        { contexts: { github: githubContext(session.github) } },
        spec.file,
        `input ${s.name} default`,
      ),
  });
  let secrets: Record<string, string>;
  if (job.secrets === 'inherit') {
    secrets = { ...inv.secrets };
  } else {
    const secretScope: Scope = { contexts: { ...scope.contexts, secrets: inv.secrets } };
    secrets = evaluateStringMap(job.secrets, secretScope, file, `jobs.${job.id}.secrets`);
    const declared = new Set((spec.callSecrets ?? []).map((s) => s.name));
    for (const name of Object.keys(secrets)) {
      if (!declared.has(name)) throw new Error(`${job.uses}: secret '${name}' is not defined in the called workflow`);
    }
    for (const s of spec.callSecrets ?? []) {
      if (s.required && (secrets[s.name] ?? '') === '')
        throw new Error(`${job.uses}: required secret '${s.name}' was not given`);
    }
  }
  const nested = await runWorkflowSpec(session, {
    spec,
    repoRoot: workflowRepoRoot(target.path),
    inputs,
    secrets,
    ceiling: permissions,
    depth: inv.depth + 1,
    jobWorkflowRef:
      target.ref === undefined
        ? inv.jobWorkflowRef.replace(/\/\.github\/workflows\/[^@]+@/, `/${job.uses.slice(2)}@`)
        : job.uses,
    signal,
  });
  result.workflow = nested;
  result.outputs = nested.outputs;
  result.result = nested.result === 'success' || nested.result === 'skipped' ? 'success' : nested.result;
  result.permissions = compact(permissions);
}

export async function runWorkflowSpec(session: RunSession, inv: Invocation): Promise<WorkflowResult> {
  const started = Date.now();
  const spec: WorkflowSpec = inv.spec;
  const file = spec.file;
  const name = spec.name ?? file;
  session.emit({ type: 'workflow-start', depth: inv.depth, file, name, event: session.github.eventName });
  const wf: WorkflowResult = {
    file,
    name,
    event: session.github.eventName,
    result: 'success',
    inputs: inv.inputs,
    outputs: {},
    jobs: [],
    notes: [],
    durationMs: 0,
  };
  const base = { github: githubContext(session.github), inputs: inv.inputs, vars: session.environments.vars };
  if (spec.runName !== undefined) wf.runName = evaluateString(spec.runName, { contexts: base }, file, 'run-name');
  const concurrency = concurrencyOf(spec.concurrency, { contexts: base }, file, 'concurrency');
  if (concurrency !== undefined) wf.concurrency = concurrency;
  if (spec.permissions !== undefined)
    wf.permissions = compact(parsePermissions(spec.permissions, `${file}: permissions`));
  const workflowEnv = evaluateStringMap(spec.env, { contexts: { ...base, secrets: inv.secrets } }, file, 'env');

  const admission = await enterGroup(session, concurrency, `workflow '${name}'`, inv.depth, '');
  if (!admission.admitted) {
    wf.result = 'cancelled';
    wf.notes.push(admission.reason);
    session.emit({ type: 'note', depth: inv.depth, message: admission.reason });
    wf.durationMs = Date.now() - started;
    session.emit({ type: 'workflow-end', depth: inv.depth, result: wf });
    return wf;
  }
  try {
    await runJobs(session, inv, wf, base, workflowEnv, anySignal([inv.signal, admission.lease.signal]));
  } finally {
    admission.lease.release();
  }
  wf.durationMs = Date.now() - started;
  session.emit({ type: 'workflow-end', depth: inv.depth, result: wf });
  return wf;
}

async function runJobs(
  session: RunSession,
  inv: Invocation,
  wf: WorkflowResult,
  base: Record<string, JsonValue>,
  workflowEnv: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const spec = inv.spec;
  const file = spec.file;
  const ordered = orderJobs(spec.jobs);
  const results = new Map<string, JobResult>();
  for (const job of ordered) {
    const jobStarted = Date.now();
    const result: JobResult = {
      id: job.id,
      name: job.id,
      needs: [...job.needs],
      result: 'skipped',
      outputs: {},
      steps: [],
      permissions: {},
      summary: '',
      durationMs: 0,
    };
    if (job.type === 'call') result.uses = job.uses;
    results.set(job.id, result);
    wf.jobs.push(result);
    const needs: Record<string, JsonValue> = {};
    for (const n of job.needs) {
      const r = results.get(n);
      needs[n] = { result: r?.result ?? 'skipped', outputs: r?.outputs ?? {} };
    }
    const upstream = ancestors(spec.jobs, job.id);
    const notSelected = (id: string) => inv.depth === 0 && session.onlyJobs !== undefined && !session.onlyJobs.has(id);
    if (notSelected(job.id)) {
      result.error = 'not selected (--job)';
      session.emit({ type: 'job-end', depth: inv.depth, job: result });
      continue;
    }
    const status = statusFunctions({
      succeeded: () => job.needs.every((n) => results.get(n)?.result === 'success' || notSelected(n)),
      failed: () => [...upstream].some((n) => results.get(n)?.result === 'failure'),
      cancelled: () => signal.aborted,
    });
    const scope: Scope = { contexts: { ...base, needs } };
    let release = () => {};
    try {
      if (job.name !== undefined) result.name = evaluateString(job.name, scope, file, `jobs.${job.id}.name`);
      if (!evaluateCondition(job.if, { contexts: { ...base, needs }, functions: status })) {
        if (signal.aborted) {
          result.result = 'cancelled';
          result.error = reasonText(signal);
        }
        session.emit({ type: 'job-end', depth: inv.depth, job: result });
        continue;
      }
      const jobConcurrency = concurrencyOf(job.concurrency, scope, file, `jobs.${job.id}.concurrency`);
      if (jobConcurrency !== undefined) result.concurrency = jobConcurrency;
      const admission = await enterGroup(session, jobConcurrency, `job '${job.id}'`, inv.depth, job.id);
      if (!admission.admitted) {
        result.result = 'cancelled';
        result.error = admission.reason;
        session.emit({ type: 'log', depth: inv.depth, jobId: job.id, line: admission.reason });
        session.emit({ type: 'job-end', depth: inv.depth, job: result });
        continue;
      }
      release = admission.lease.release;
      const jobSignal = anySignal([signal, admission.lease.signal]);
      session.emit({ type: 'job-start', depth: inv.depth, jobId: job.id, name: result.name });
      const permissions = jobPermissions(job, inv);
      result.permissions = compact(permissions);
      if (job.type === 'call') {
        await runCallJob(session, inv, job, scope, permissions, result, jobSignal);
      } else {
        await runStepsJob({
          session,
          inv,
          job,
          name: result.name,
          needs,
          workflowEnv,
          permissions,
          result,
          signal: jobSignal,
        });
      }
    } catch (error) {
      result.result = 'failure';
      result.error = session.masker.apply(error instanceof Error ? error.message : String(error));
      session.emit({ type: 'log', depth: inv.depth, jobId: job.id, line: `error: ${result.error}` });
    } finally {
      release();
    }
    result.durationMs = Date.now() - jobStarted;
    session.emit({ type: 'job-end', depth: inv.depth, job: result });
  }
  if (wf.jobs.some((j) => j.result === 'failure')) wf.result = 'failure';
  else if (signal.aborted || wf.jobs.some((j) => j.result === 'cancelled')) wf.result = 'cancelled';
  if (inv.depth === 0 && session.onlyJobs !== undefined) {
    wf.notes.push(`only job(s) ${[...session.onlyJobs].join(', ')} ran (--job); their needs counted as met`);
  }

  if (spec.callOutputs !== undefined) {
    const jobs: Record<string, JsonValue> = {};
    for (const [id, r] of results) jobs[id] = { result: r.result, outputs: r.outputs };
    const outScope: Scope = { contexts: { ...base, jobs } };
    for (const o of spec.callOutputs) {
      wf.outputs[o.name] = evaluateString(o.value, outScope, file, `on.workflow_call.outputs.${o.name}`);
    }
  }
}
