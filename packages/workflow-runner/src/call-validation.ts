// What GitHub checks when a run starts, before any job: every reusable-workflow call (and the
// calls inside the called workflows) gives every input declared `required: true` (GitHub asks
// for it even when the input has a default), no input the called workflow does not declare, and
// every required secret unless `secrets: inherit`. One error lists every problem, with GitHub's
// wording ("The workflow is not valid. <file> (Line: L, Col: C): Input x is required, but not
// provided while calling.").
import { relative } from 'node:path';
import { type RefResolverOptions, resolveWorkflow, workflowRepoRoot } from './action-refs.ts';
import { parseWorkflowFile } from './workflow-file.ts';
import { readWorkflowSpec, type WorkflowSpec } from './workflow-model.ts';

export class InvalidWorkflowError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`The workflow is not valid. ${problems.join(' ')}`);
    this.name = 'InvalidWorkflowError';
    this.problems = problems;
  }
}

async function collect(
  spec: WorkflowSpec,
  repoRoot: string,
  options: RefResolverOptions,
  problems: string[],
  seen: Set<string>,
): Promise<void> {
  for (const job of spec.jobs) {
    if (job.type !== 'call') continue;
    const where = `${spec.file} (Line: ${job.pos.line}, Col: ${job.pos.col})`;
    let called: WorkflowSpec;
    let path: string;
    try {
      path = resolveWorkflow(job.uses, repoRoot, options).path;
      const display = relative(options.bakelineRoot, path).startsWith('..')
        ? path
        : relative(options.bakelineRoot, path);
      called = readWorkflowSpec(await parseWorkflowFile(path, display));
    } catch (error) {
      problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (called.callInputs === undefined) {
      problems.push(`${where}: ${job.uses} has no 'on: workflow_call'.`);
      continue;
    }
    const declared = new Set(called.callInputs.map((i) => i.name));
    const given = new Set(job.with?.entries.map((e) => e.key) ?? []);
    for (const name of given) {
      if (!declared.has(name))
        problems.push(`${where}: Invalid input, ${name} is not defined in the referenced workflow.`);
    }
    for (const input of called.callInputs) {
      if (input.required && !given.has(input.name)) {
        problems.push(`${where}: Input ${input.name} is required, but not provided while calling.`);
      }
    }
    if (job.secrets !== 'inherit') {
      const passed = new Set(job.secrets?.entries.map((e) => e.key) ?? []);
      for (const secret of called.callSecrets ?? []) {
        if (secret.required && !passed.has(secret.name)) {
          problems.push(`${where}: Secret ${secret.name} is required, but not provided while calling.`);
        }
      }
    }
    if (!seen.has(path)) {
      seen.add(path);
      await collect(called, workflowRepoRoot(path), options, problems, seen);
    }
  }
}

/** Throws InvalidWorkflowError when a call in `spec` (or below it) lacks what GitHub requires. */
export async function validateCalls(spec: WorkflowSpec, repoRoot: string, options: RefResolverOptions): Promise<void> {
  const problems: string[] = [];
  await collect(spec, repoRoot, options, problems, new Set());
  if (problems.length > 0) throw new InvalidWorkflowError(problems);
}
