// Reads the parsed tree into the runner's model. Every key the local runner does not implement
// is an error here (never silently ignored); values stay nodes, evaluated when the run reaches them.
import type { ParsedWorkflow } from './workflow-file.ts';
import {
  describe,
  find,
  literalString,
  type MapNode,
  type Position,
  type WorkflowNode,
  WorkflowSyntaxError,
} from './workflow-node.ts';

export interface InputSpec {
  name: string;
  type: 'string' | 'boolean' | 'number' | 'choice' | 'environment';
  required: boolean;
  default?: WorkflowNode;
  options?: string[];
  pos: Position;
}

export interface EventFilter {
  branches?: string[];
  branchesIgnore?: string[];
  tags?: string[];
  tagsIgnore?: string[];
  paths?: string[];
  pathsIgnore?: string[];
  types?: string[];
}

export interface WorkflowSpec {
  file: string;
  name?: string;
  runName?: WorkflowNode;
  events: Map<string, EventFilter>;
  dispatchInputs?: InputSpec[];
  callInputs?: InputSpec[];
  callSecrets?: { name: string; required: boolean }[];
  callOutputs?: { name: string; value: WorkflowNode }[];
  env?: WorkflowNode;
  defaults?: RunDefaults;
  permissions?: WorkflowNode;
  concurrency?: WorkflowNode;
  jobs: JobSpec[];
}

export interface RunDefaults {
  shell?: string;
  workingDirectory?: WorkflowNode;
}

interface BaseJobSpec {
  id: string;
  name?: WorkflowNode;
  needs: string[];
  if: string;
  permissions?: WorkflowNode;
  concurrency?: WorkflowNode;
  pos: Position;
}

export interface StepsJobSpec extends BaseJobSpec {
  type: 'steps';
  runsOn?: WorkflowNode;
  env?: WorkflowNode;
  defaults?: RunDefaults;
  environment?: WorkflowNode;
  outputs?: WorkflowNode;
  timeoutMinutes?: WorkflowNode;
  steps: StepSpec[];
}

export interface CallJobSpec extends BaseJobSpec {
  type: 'call';
  uses: string;
  with?: MapNode;
  secrets?: MapNode | 'inherit';
}

export type JobSpec = StepsJobSpec | CallJobSpec;

export interface StepSpec {
  index: number;
  id?: string;
  name?: WorkflowNode;
  if: string;
  env?: WorkflowNode;
  continueOnError?: WorkflowNode;
  timeoutMinutes?: WorkflowNode;
  run?: WorkflowNode;
  shell?: string;
  workingDirectory?: WorkflowNode;
  uses?: string;
  with?: MapNode;
  pos: Position;
}

const TOP_KEYS = ['name', 'run-name', 'on', 'env', 'defaults', 'permissions', 'concurrency', 'jobs'];
const STEPS_JOB_KEYS = [
  'name',
  'needs',
  'if',
  'runs-on',
  'env',
  'defaults',
  'environment',
  'outputs',
  'permissions',
  'concurrency',
  'timeout-minutes',
  'steps',
];
const CALL_JOB_KEYS = ['name', 'needs', 'if', 'uses', 'with', 'secrets', 'permissions', 'concurrency'];
const STEP_KEYS = [
  'id',
  'name',
  'if',
  'env',
  'continue-on-error',
  'timeout-minutes',
  'run',
  'shell',
  'working-directory',
  'uses',
  'with',
];
const FILTER_KEYS: Record<string, keyof EventFilter> = {
  branches: 'branches',
  'branches-ignore': 'branchesIgnore',
  tags: 'tags',
  'tags-ignore': 'tagsIgnore',
  paths: 'paths',
  'paths-ignore': 'pathsIgnore',
  types: 'types',
};
export const SHELLS = ['bash', 'sh'];

class Reader {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(pos: Position | undefined, message: string): never {
    throw new WorkflowSyntaxError(this.file, pos, message);
  }

  map(node: WorkflowNode | undefined, what: string): MapNode {
    if (node?.kind === 'map') return node;
    return this.fail(node?.pos, `${what}: expected a mapping, got ${node ? describe(node) : 'nothing'}`);
  }

  keys(node: MapNode, allowed: readonly string[], what: string): void {
    for (const e of node.entries) {
      if (!allowed.includes(e.key)) {
        this.fail(
          e.pos,
          `${what}: key '${e.key}' is not supported by the local runner (supported: ${allowed.join(', ')})`,
        );
      }
    }
  }

  literal(node: WorkflowNode | undefined, what: string): string | undefined {
    if (node === undefined) return undefined;
    const value = literalString(node);
    if (value === undefined) this.fail(node.pos, `${what}: expected a literal, got ${describe(node)}`);
    return value;
  }

  strings(node: WorkflowNode | undefined, what: string): string[] | undefined {
    if (node === undefined) return undefined;
    if (node.kind === 'literal') return [String(node.value)];
    if (node.kind !== 'seq') return this.fail(node.pos, `${what}: expected a list, got ${describe(node)}`);
    return node.items.map((item, i) => this.literal(item, `${what}[${i}]`) ?? '');
  }

  shell(node: WorkflowNode | undefined, what: string): string | undefined {
    const shell = this.literal(node, what);
    if (shell !== undefined && !SHELLS.includes(shell)) {
      this.fail(
        node?.pos,
        `${what}: shell '${shell}' is not supported by the local runner (supported: ${SHELLS.join(', ')})`,
      );
    }
    return shell;
  }

  defaults(node: WorkflowNode | undefined, what: string): RunDefaults | undefined {
    if (node === undefined) return undefined;
    const map = this.map(node, what);
    this.keys(map, ['run'], what);
    const run = find(map, 'run');
    if (run === undefined) return {};
    const runMap = this.map(run, `${what}.run`);
    this.keys(runMap, ['shell', 'working-directory'], `${what}.run`);
    const out: RunDefaults = {};
    const shell = this.shell(find(runMap, 'shell'), `${what}.run.shell`);
    if (shell !== undefined) out.shell = shell;
    const wd = find(runMap, 'working-directory');
    if (wd !== undefined) out.workingDirectory = wd;
    return out;
  }

  inputs(node: WorkflowNode | undefined, what: string, dispatch: boolean): InputSpec[] {
    if (node === undefined || (node.kind === 'literal' && node.value === null)) return [];
    const map = this.map(node, what);
    return map.entries.map((e) => {
      const spec = this.map(e.value, `${what}.${e.key}`);
      this.keys(
        spec,
        ['description', 'required', 'default', 'type', 'options', 'deprecationMessage'],
        `${what}.${e.key}`,
      );
      const type = (this.literal(find(spec, 'type'), `${what}.${e.key}.type`) ?? 'string') as InputSpec['type'];
      const allowed = dispatch
        ? ['string', 'boolean', 'number', 'choice', 'environment']
        : ['string', 'boolean', 'number'];
      if (!allowed.includes(type))
        this.fail(spec.pos, `${what}.${e.key}.type: '${type}' is not one of ${allowed.join(', ')}`);
      const input: InputSpec = {
        name: e.key,
        type,
        required: this.literal(find(spec, 'required'), `${what}.${e.key}.required`) === 'true',
        pos: e.pos,
      };
      const def = find(spec, 'default');
      if (def !== undefined) input.default = def;
      const options = this.strings(find(spec, 'options'), `${what}.${e.key}.options`);
      if (options !== undefined) input.options = options;
      if (type === 'choice' && (options === undefined || options.length === 0)) {
        this.fail(spec.pos, `${what}.${e.key}: a choice input needs 'options'`);
      }
      return input;
    });
  }
}

function readEvents(r: Reader, node: WorkflowNode | undefined, spec: WorkflowSpec): void {
  if (node === undefined) r.fail(undefined, "missing 'on'");
  if (node.kind === 'literal') {
    spec.events.set(String(node.value), {});
    return;
  }
  if (node.kind === 'seq') {
    for (const item of node.items) spec.events.set(r.literal(item, 'on[]') ?? '', {});
    return;
  }
  const map = r.map(node, 'on');
  for (const e of map.entries) {
    const body = e.value.kind === 'literal' && e.value.value === null ? undefined : e.value;
    const filter: EventFilter = {};
    if (e.key === 'workflow_dispatch' && body !== undefined) {
      const m = r.map(body, 'on.workflow_dispatch');
      r.keys(m, ['inputs'], 'on.workflow_dispatch');
      spec.dispatchInputs = r.inputs(find(m, 'inputs'), 'on.workflow_dispatch.inputs', true);
    } else if (e.key === 'workflow_call') {
      spec.callInputs = [];
      if (body !== undefined) {
        const m = r.map(body, 'on.workflow_call');
        r.keys(m, ['inputs', 'secrets', 'outputs'], 'on.workflow_call');
        spec.callInputs = r.inputs(find(m, 'inputs'), 'on.workflow_call.inputs', false);
        const secrets = find(m, 'secrets');
        spec.callSecrets = [];
        if (secrets !== undefined && !(secrets.kind === 'literal' && secrets.value === null)) {
          for (const s of r.map(secrets, 'on.workflow_call.secrets').entries) {
            const sm =
              s.value.kind === 'literal' && s.value.value === null ? undefined : r.map(s.value, `secret ${s.key}`);
            if (sm) r.keys(sm, ['description', 'required'], `on.workflow_call.secrets.${s.key}`);
            spec.callSecrets.push({
              name: s.key,
              required: sm ? literalString(find(sm, 'required')) === 'true' : false,
            });
          }
        }
        const outputs = find(m, 'outputs');
        spec.callOutputs = [];
        if (outputs !== undefined) {
          for (const o of r.map(outputs, 'on.workflow_call.outputs').entries) {
            const om = r.map(o.value, `on.workflow_call.outputs.${o.key}`);
            r.keys(om, ['description', 'value'], `on.workflow_call.outputs.${o.key}`);
            const value = find(om, 'value');
            if (value === undefined) r.fail(om.pos, `on.workflow_call.outputs.${o.key}: missing 'value'`);
            spec.callOutputs.push({ name: o.key, value });
          }
        }
      }
    } else if (body !== undefined && (e.key === 'push' || e.key === 'pull_request')) {
      const m = r.map(body, `on.${e.key}`);
      r.keys(m, Object.keys(FILTER_KEYS), `on.${e.key}`);
      for (const f of m.entries) {
        const list = r.strings(f.value, `on.${e.key}.${f.key}`);
        const key = FILTER_KEYS[f.key];
        if (list !== undefined && key !== undefined) filter[key] = list;
      }
    }
    spec.events.set(e.key, filter);
  }
}

function readStep(r: Reader, node: WorkflowNode, index: number, jobId: string, ifExpr: string): StepSpec {
  const what = `jobs.${jobId}.steps[${index}]`;
  const m = r.map(node, what);
  r.keys(m, STEP_KEYS, what);
  const step: StepSpec = { index, if: ifExpr, pos: m.pos };
  const id = r.literal(find(m, 'id'), `${what}.id`);
  if (id !== undefined) step.id = id;
  const opt = (key: string, set: (n: WorkflowNode) => void) => {
    const v = find(m, key);
    if (v !== undefined) set(v);
  };
  opt('name', (v) => {
    step.name = v;
  });
  opt('env', (v) => {
    step.env = v;
  });
  opt('continue-on-error', (v) => {
    step.continueOnError = v;
  });
  opt('timeout-minutes', (v) => {
    step.timeoutMinutes = v;
  });
  opt('run', (v) => {
    step.run = v;
  });
  opt('working-directory', (v) => {
    step.workingDirectory = v;
  });
  const shell = r.shell(find(m, 'shell'), `${what}.shell`);
  if (shell !== undefined) step.shell = shell;
  const uses = r.literal(find(m, 'uses'), `${what}.uses`);
  if (uses !== undefined) step.uses = uses;
  const withNode = find(m, 'with');
  if (withNode !== undefined) step.with = r.map(withNode, `${what}.with`);
  return step;
}

function readJob(r: Reader, id: string, node: WorkflowNode, parsed: ParsedWorkflow): JobSpec {
  const what = `jobs.${id}`;
  const m = r.map(node, what);
  const needs = r.strings(find(m, 'needs'), `${what}.needs`) ?? [];
  const base: BaseJobSpec = { id, needs, if: parsed.jobIf.get(id) ?? 'success()', pos: m.pos };
  const name = find(m, 'name');
  if (name !== undefined) base.name = name;
  const permissions = find(m, 'permissions');
  if (permissions !== undefined) base.permissions = permissions;
  const concurrency = find(m, 'concurrency');
  if (concurrency !== undefined) base.concurrency = concurrency;
  const uses = find(m, 'uses');
  if (uses !== undefined) {
    r.keys(m, CALL_JOB_KEYS, what);
    const job: CallJobSpec = { ...base, type: 'call', uses: r.literal(uses, `${what}.uses`) ?? '' };
    const withNode = find(m, 'with');
    if (withNode !== undefined) job.with = r.map(withNode, `${what}.with`);
    const secrets = find(m, 'secrets');
    if (secrets !== undefined) {
      job.secrets = literalString(secrets) === 'inherit' ? 'inherit' : r.map(secrets, `${what}.secrets`);
    }
    return job;
  }
  r.keys(m, STEPS_JOB_KEYS, what);
  const stepIfs = parsed.stepIf.get(id) ?? [];
  const stepsNode = find(m, 'steps');
  if (stepsNode?.kind !== 'seq') return r.fail(m.pos, `${what}: missing 'steps'`);
  const job: StepsJobSpec = {
    ...base,
    type: 'steps',
    steps: stepsNode.items.map((s, i) => readStep(r, s, i, id, stepIfs[i] ?? 'success()')),
  };
  const set = <K extends keyof StepsJobSpec>(key: string, field: K) => {
    const v = find(m, key);
    if (v !== undefined) (job as unknown as Record<string, WorkflowNode>)[field] = v;
  };
  set('runs-on', 'runsOn');
  set('env', 'env');
  set('environment', 'environment');
  set('outputs', 'outputs');
  set('timeout-minutes', 'timeoutMinutes');
  const defaults = r.defaults(find(m, 'defaults'), `${what}.defaults`);
  if (defaults !== undefined) job.defaults = defaults;
  const seen = new Set<string>();
  for (const step of job.steps) {
    if (step.id === undefined) continue;
    if (seen.has(step.id)) r.fail(step.pos, `${what}: step id '${step.id}' is used twice`);
    seen.add(step.id);
  }
  return job;
}

/** Builds the runner's model of a parsed workflow; throws WorkflowSyntaxError on anything unsupported. */
export function readWorkflowSpec(parsed: ParsedWorkflow): WorkflowSpec {
  const r = new Reader(parsed.file);
  const root = parsed.root;
  r.keys(root, TOP_KEYS, 'workflow');
  const spec: WorkflowSpec = { file: parsed.file, events: new Map(), jobs: [] };
  const name = r.literal(find(root, 'name'), 'name');
  if (name !== undefined) spec.name = name;
  const runName = find(root, 'run-name');
  if (runName !== undefined) spec.runName = runName;
  readEvents(r, find(root, 'on'), spec);
  if (spec.events.has('workflow_call') && spec.callInputs === undefined) spec.callInputs = [];
  if (spec.events.has('workflow_dispatch') && spec.dispatchInputs === undefined) spec.dispatchInputs = [];
  const env = find(root, 'env');
  if (env !== undefined) spec.env = env;
  const defaults = r.defaults(find(root, 'defaults'), 'defaults');
  if (defaults !== undefined) spec.defaults = defaults;
  const permissions = find(root, 'permissions');
  if (permissions !== undefined) spec.permissions = permissions;
  const concurrency = find(root, 'concurrency');
  if (concurrency !== undefined) spec.concurrency = concurrency;
  for (const e of r.map(find(root, 'jobs'), 'jobs').entries) spec.jobs.push(readJob(r, e.key, e.value, parsed));
  return spec;
}
