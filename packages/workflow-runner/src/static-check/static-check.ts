// Static checks of workflows, so a broken digest hand-off fails a test instead of a run:
//  - the file parses with GitHub's parser (and the local runner's model) without errors;
//  - a step that uses a bakeline action (or a mapped third-party action) gives only inputs the
//    action declares, and every required input without a default;
//  - every steps.<id>.outputs.<name> names an earlier step of the job and an output it has
//    (outputs of actions from their action.yml; `run:` steps may write any output);
//  - every needs.<job>.* names a job in `needs`, and needs.<job>.outputs.<name> an output of it
//    (a job's `outputs:`, or the called workflow's `workflow_call` outputs);
//  - jobs.<id>.outputs.<name> in `workflow_call` outputs exists; inputs.<name> is declared;
//  - a reusable-workflow call gives only inputs and secrets the called workflow declares, and
//    every required input.
import { readActionMetadata } from '@bakeline/action-host';
import { type RefResolverOptions, resolveAction, resolveWorkflow, workflowRepoRoot } from '../action-refs.ts';
import { BUILTIN_INPUTS, BUILTIN_OUTPUTS } from '../builtin-actions.ts';
import { referencePaths } from '../expression-refs.ts';
import { parseWorkflowFile, WorkflowParseError } from '../workflow-file.ts';
import { type JobSpec, readWorkflowSpec, type StepSpec, type WorkflowSpec } from '../workflow-model.ts';
import { type Position, type WorkflowNode, WorkflowSyntaxError } from '../workflow-node.ts';

export interface Finding {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface CheckOptions extends RefResolverOptions {}

type Outputs = Set<string> | 'any';

interface ActionInfo {
  inputs: Map<string, { required: boolean; hasDefault: boolean }>;
  outputs: Outputs;
}

class Checker {
  readonly findings: Finding[] = [];
  private readonly specs = new Map<string, Promise<WorkflowSpec | undefined>>();
  private readonly opts: CheckOptions;

  constructor(options: CheckOptions) {
    this.opts = options;
  }

  options(): CheckOptions {
    return this.opts;
  }

  add(file: string, pos: Position | undefined, message: string): void {
    this.findings.push({ file, line: pos?.line ?? 0, col: pos?.col ?? 0, message });
  }

  /** Parses and models a workflow once; parse errors become findings. */
  spec(path: string, display: string): Promise<WorkflowSpec | undefined> {
    let pending = this.specs.get(path);
    if (pending === undefined) {
      pending = parseWorkflowFile(path, display).then(
        (parsed) => readWorkflowSpec(parsed),
        (error: unknown) => {
          if (error instanceof WorkflowParseError) {
            for (const e of error.errors) this.add(display, undefined, e);
          } else if (error instanceof WorkflowSyntaxError) {
            this.add(display, error.pos, error.message);
          } else throw error;
          return undefined;
        },
      );
      this.specs.set(path, pending);
    }
    return pending;
  }

  /** What a `uses:` step may be given and gives back; `repoRoot` resolves `./` actions. */
  action(uses: string, repoRoot: string): ActionInfo | undefined {
    const target = resolveAction(uses, repoRoot, this.opts);
    if (target.kind === 'unmapped') return undefined;
    if (target.kind === 'builtin') {
      const inputs = new Map<string, { required: boolean; hasDefault: boolean }>();
      for (const [name, def] of Object.entries(BUILTIN_INPUTS[target.action])) {
        inputs.set(name, {
          required: name === 'path' && target.action === 'actions/upload-artifact',
          hasDefault: def !== undefined,
        });
      }
      return { inputs, outputs: new Set(BUILTIN_OUTPUTS[target.action]) };
    }
    const meta = readActionMetadata(target.dir);
    const inputs = new Map<string, { required: boolean; hasDefault: boolean }>();
    for (const [name, spec] of Object.entries(meta.inputs)) {
      inputs.set(name, { required: spec.required, hasDefault: spec.default !== undefined });
    }
    return { inputs, outputs: new Set(Object.keys(meta.outputs)) };
  }
}

function* expressions(node: WorkflowNode | undefined): Generator<{ expr: string; pos: Position }> {
  if (node === undefined) return;
  switch (node.kind) {
    case 'expr':
      yield { expr: node.expr, pos: node.pos };
      break;
    case 'seq':
      for (const item of node.items) yield* expressions(item);
      break;
    case 'map':
      for (const e of node.entries) yield* expressions(e.value);
      break;
    case 'literal':
      break;
  }
}

function stepExpressions(step: StepSpec): { expr: string; pos: Position }[] {
  return [
    { expr: step.if, pos: step.pos },
    ...[
      step.name,
      step.env,
      step.continueOnError,
      step.timeoutMinutes,
      step.run,
      step.workingDirectory,
      step.with,
    ].flatMap((n) => [...expressions(n)]),
  ];
}

async function jobOutputs(c: Checker, spec: WorkflowSpec, job: JobSpec, repoRoot: string): Promise<Outputs> {
  if (job.type === 'steps') {
    return new Set(job.outputs?.kind === 'map' ? job.outputs.entries.map((e) => e.key) : []);
  }
  try {
    const target = resolveWorkflow(job.uses, repoRoot, c.options());
    const called = await c.spec(target.path, target.path);
    return new Set((called?.callOutputs ?? []).map((o) => o.name));
  } catch (error) {
    c.add(spec.file, job.pos, `jobs.${job.id}: ${error instanceof Error ? error.message : String(error)}`);
    return 'any';
  }
}

export async function checkWorkflowFile(path: string, display: string, options: CheckOptions): Promise<Finding[]> {
  const c = new Checker(options);
  await checkOne(c, path, display);
  return c.findings;
}

async function checkOne(c: Checker, path: string, display: string): Promise<void> {
  const spec = await c.spec(path, display);
  if (spec === undefined) return;
  const file = spec.file;
  const repoRoot = workflowRepoRoot(path);
  const declaredInputs = new Set([...(spec.callInputs ?? []), ...(spec.dispatchInputs ?? [])].map((i) => i.name));
  const outputsByJob = new Map<string, Outputs>();
  for (const job of spec.jobs) outputsByJob.set(job.id, await jobOutputs(c, spec, job, repoRoot));

  const checkPath = (
    ref: string[],
    pos: Position,
    where: string,
    job: JobSpec | undefined,
    steps: Map<string, Outputs> | undefined,
  ) => {
    const [context, first, second, third] = ref;
    if (context === 'inputs' && first !== undefined && !declaredInputs.has(first)) {
      c.add(
        file,
        pos,
        `${where}: inputs.${first} is not an input of this workflow (inputs: ${[...declaredInputs].join(', ') || 'none'})`,
      );
    }
    if (context === 'steps' && first !== undefined && steps !== undefined) {
      const outputs = steps.get(first);
      if (outputs === undefined) {
        c.add(file, pos, `${where}: steps.${first} is not a step before this point in job '${job?.id}'`);
      } else if (second === 'outputs' && third !== undefined && outputs !== 'any' && !outputs.has(third)) {
        c.add(
          file,
          pos,
          `${where}: steps.${first}.outputs.${third} is not an output of step '${first}' (outputs: ${[...outputs].join(', ') || 'none'})`,
        );
      }
    }
    if (context === 'needs' && first !== undefined && job !== undefined) {
      if (!job.needs.includes(first)) {
        c.add(
          file,
          pos,
          `${where}: needs.${first} is not in the needs of job '${job.id}' (needs: ${job.needs.join(', ') || 'none'})`,
        );
      } else if (second === 'outputs' && third !== undefined) {
        const outputs = outputsByJob.get(first);
        if (outputs !== undefined && outputs !== 'any' && !outputs.has(third)) {
          c.add(
            file,
            pos,
            `${where}: needs.${first}.outputs.${third} is not an output of job '${first}' (outputs: ${[...outputs].join(', ') || 'none'})`,
          );
        }
      }
    }
    if (context === 'jobs' && first !== undefined) {
      const outputs = outputsByJob.get(first);
      if (outputs === undefined) c.add(file, pos, `${where}: jobs.${first} is not a job of this workflow`);
      else if (second === 'outputs' && third !== undefined && outputs !== 'any' && !outputs.has(third)) {
        c.add(
          file,
          pos,
          `${where}: jobs.${first}.outputs.${third} is not an output of job '${first}' (outputs: ${[...outputs].join(', ') || 'none'})`,
        );
      }
    }
  };
  const scan = (
    items: { expr: string; pos: Position }[],
    where: string,
    job?: JobSpec,
    steps?: Map<string, Outputs>,
  ) => {
    for (const { expr, pos } of items) {
      let paths: string[][];
      try {
        paths = referencePaths(expr);
      } catch (error) {
        c.add(file, pos, `${where}: \${{ ${expr} }}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const p of paths) checkPath(p, pos, where, job, steps);
    }
  };

  scan([...expressions(spec.env), ...expressions(spec.concurrency), ...expressions(spec.runName)], 'workflow');
  for (const o of spec.callOutputs ?? []) scan([...expressions(o.value)], `on.workflow_call.outputs.${o.name}`);

  for (const job of spec.jobs) {
    const where = `jobs.${job.id}`;
    scan([{ expr: job.if, pos: job.pos }, ...expressions(job.name), ...expressions(job.concurrency)], where, job);
    if (job.type === 'call') {
      scan([...expressions(job.with), ...(job.secrets === 'inherit' ? [] : [...expressions(job.secrets)])], where, job);
      let called: WorkflowSpec | undefined;
      try {
        const target = resolveWorkflow(job.uses, repoRoot, c.options());
        called = await c.spec(target.path, target.path);
      } catch {
        continue; // reported by jobOutputs
      }
      if (called === undefined) continue;
      if (called.callInputs === undefined) {
        c.add(file, job.pos, `${where}: ${job.uses} has no 'on: workflow_call'`);
        continue;
      }
      const inputs = new Map(called.callInputs.map((i) => [i.name, i]));
      const given = new Set(job.with?.entries.map((e) => e.key) ?? []);
      for (const e of job.with?.entries ?? []) {
        if (!inputs.has(e.key)) {
          c.add(
            file,
            e.pos,
            `${where}.with: '${e.key}' is not an input of ${job.uses} (inputs: ${[...inputs.keys()].join(', ')})`,
          );
        }
      }
      for (const i of inputs.values()) {
        if (i.required && i.default === undefined && !given.has(i.name)) {
          c.add(file, job.pos, `${where}.with: required input '${i.name}' of ${job.uses} is not given`);
        }
      }
      if (job.secrets !== undefined && job.secrets !== 'inherit') {
        const secrets = new Set((called.callSecrets ?? []).map((s) => s.name));
        for (const e of job.secrets.entries) {
          if (!secrets.has(e.key)) c.add(file, e.pos, `${where}.secrets: '${e.key}' is not a secret of ${job.uses}`);
        }
      }
      continue;
    }
    scan(
      [
        ...expressions(job.env),
        ...expressions(job.environment),
        ...expressions(job.runsOn),
        ...expressions(job.timeoutMinutes),
      ],
      where,
      job,
    );
    const steps = new Map<string, Outputs>();
    for (const step of job.steps) {
      const stepWhere = `${where}.steps[${step.index}]${step.id ? ` (${step.id})` : ''}`;
      scan(stepExpressions(step), stepWhere, job, steps);
      let outputs: Outputs = 'any';
      if (step.uses !== undefined) {
        let info: ActionInfo | undefined;
        try {
          info = c.action(step.uses, repoRoot);
        } catch (error) {
          c.add(file, step.pos, `${stepWhere}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (info !== undefined) {
          outputs = info.outputs;
          const given = new Set(step.with?.entries.map((e) => e.key) ?? []);
          for (const e of step.with?.entries ?? []) {
            if (!info.inputs.has(e.key)) {
              c.add(
                file,
                e.pos,
                `${stepWhere}: '${e.key}' is not an input of ${step.uses} (inputs: ${[...info.inputs.keys()].join(', ')})`,
              );
            }
          }
          for (const [name, input] of info.inputs) {
            if (input.required && !input.hasDefault && !given.has(name)) {
              c.add(file, step.pos, `${stepWhere}: required input '${name}' of ${step.uses} is not given`);
            }
          }
        }
      }
      if (step.id !== undefined) steps.set(step.id, outputs);
    }
    scan([...expressions(job.outputs)], `${where}.outputs`, job, steps);
  }
}

/** Checks workflow files; `display(path)` names them in findings. Called workflows are checked through their callers. */
export async function checkWorkflows(
  paths: readonly string[],
  options: CheckOptions,
  display: (path: string) => string = (p) => p,
): Promise<Finding[]> {
  const c = new Checker(options);
  for (const path of paths) await checkOne(c, path, display(path));
  return c.findings;
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.col}: ${f.message}`;
}
