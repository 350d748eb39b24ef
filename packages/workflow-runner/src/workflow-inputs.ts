// Inputs of `workflow_dispatch` and `workflow_call`: unknown names, missing required inputs, wrong
// types and choices outside `options` are errors that name the input, the value and what was expected.
import type { JsonValue } from './expressions.ts';
import type { InputSpec } from './workflow-model.ts';

export interface ResolveInputsOptions {
  /** Where the inputs come from, for messages (e.g. `build.yml (workflow_call)`). */
  where: string;
  /** Values given as text (the command line): booleans and numbers are parsed. */
  fromText: boolean;
  /** Evaluates an input's `default:`. */
  evaluateDefault: (spec: InputSpec) => JsonValue;
  /** Names a value of an `environment` input may take. */
  environments?: readonly string[];
}

function convert(spec: InputSpec, value: JsonValue, options: ResolveInputsOptions): JsonValue {
  const fail = (expected: string): never => {
    throw new Error(`${options.where}: input '${spec.name}': got ${JSON.stringify(value)}; expected ${expected}`);
  };
  switch (spec.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (options.fromText && (value === 'true' || value === 'false')) return value === 'true';
      return fail('a boolean (true or false)');
    case 'number':
      if (typeof value === 'number') return value;
      if (options.fromText && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
        return Number(value);
      }
      return fail('a number');
    case 'choice': {
      const text = typeof value === 'string' ? value : fail('a string');
      if (!(spec.options ?? []).includes(text)) return fail(`one of ${(spec.options ?? []).join(', ')}`);
      return text;
    }
    case 'environment': {
      const text = typeof value === 'string' ? value : fail('an environment name');
      if (options.environments !== undefined && !options.environments.includes(text)) {
        return fail(`an environment defined in the environments file (${options.environments.join(', ') || 'none'})`);
      }
      return text;
    }
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return fail('a string');
  }
}

function empty(spec: InputSpec): JsonValue {
  if (spec.type === 'boolean') return false;
  if (spec.type === 'number') return 0;
  return '';
}

export function resolveInputs(
  specs: readonly InputSpec[],
  given: Record<string, JsonValue>,
  options: ResolveInputsOptions,
): Record<string, JsonValue> {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw new Error(`${options.where}: input '${name}' is not defined (defined: ${[...known].join(', ') || 'none'})`);
    }
  }
  const out: Record<string, JsonValue> = {};
  for (const spec of specs) {
    const value = given[spec.name];
    if (value !== undefined) {
      out[spec.name] = convert(spec, value, options);
    } else if (spec.default !== undefined) {
      out[spec.name] = convert(spec, options.evaluateDefault(spec), { ...options, fromText: true });
    } else if (spec.required) {
      throw new Error(`${options.where}: input '${spec.name}' is required and was not given`);
    } else {
      out[spec.name] = empty(spec);
    }
  }
  return out;
}

/** github.event.inputs of a workflow_dispatch: every value as text. */
export function eventInputs(inputs: Record<string, JsonValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
