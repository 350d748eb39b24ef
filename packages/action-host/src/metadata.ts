import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description?: string;
  required: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionRuns {
  using: string;
  main: string;
  pre?: string;
  post?: string;
  'pre-if'?: string;
  'post-if'?: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: ActionRuns;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

/** Reads and checks `action.yml` (or `action.yaml`) of a JavaScript action. */
export function readActionMetadata(actionDir: string): ActionMetadata {
  let text: string;
  let file = join(actionDir, 'action.yml');
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    file = join(actionDir, 'action.yaml');
    text = readFileSync(file, 'utf8');
  }
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${file}: expected a mapping at the top level`);
  const runs = doc.runs;
  if (!isRecord(runs) || typeof runs.using !== 'string' || typeof runs.main !== 'string') {
    throw new Error(`${file}: 'runs' must have 'using' and 'main' (a JavaScript action)`);
  }
  const inputs: Record<string, ActionInput> = {};
  for (const [name, spec] of Object.entries(isRecord(doc.inputs) ? doc.inputs : {})) {
    const s = isRecord(spec) ? spec : {};
    const input: ActionInput = { required: s.required === true || s.required === 'true' };
    const description = str(s.description);
    if (description !== undefined) input.description = description;
    const def = str(s.default);
    if (def !== undefined) input.default = def;
    const deprecation = str(s.deprecationMessage);
    if (deprecation !== undefined) input.deprecationMessage = deprecation;
    inputs[name] = input;
  }
  const outputs: Record<string, { description?: string }> = {};
  for (const [name, spec] of Object.entries(isRecord(doc.outputs) ? doc.outputs : {})) {
    const description = isRecord(spec) ? str(spec.description) : undefined;
    outputs[name] = description === undefined ? {} : { description };
  }
  const result: ActionRuns = { using: runs.using, main: runs.main };
  for (const key of ['pre', 'post', 'pre-if', 'post-if'] as const) {
    const value = str(runs[key]);
    if (value !== undefined) result[key] = value;
  }
  return {
    name: str(doc.name) ?? '',
    description: str(doc.description) ?? '',
    inputs,
    outputs,
    runs: result,
  };
}
