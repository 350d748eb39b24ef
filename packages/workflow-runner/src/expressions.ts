// Evaluates GitHub expressions with GitHub's own evaluator (@actions/expressions): Lexer -> Parser
// (only the contexts and functions this position offers: anything else is an error) -> Evaluator
// over contexts revived into the evaluator's data types.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { describe, type WorkflowNode, WorkflowSyntaxError } from './workflow-node.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What an expression may see at one position of a workflow. */
export interface Scope {
  /** Context name -> plain JSON value. Only these names are allowed in the expression. */
  contexts: Record<string, JsonValue>;
  /** Functions beyond GitHub's built-in ones (status functions, hashFiles). */
  functions?: readonly FunctionDefinition[];
}

export class ExpressionFailure extends Error {
  readonly expression: string;
  constructor(expression: string, cause: unknown) {
    super(`expression \${{ ${expression} }}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ExpressionFailure';
    this.expression = expression;
  }
}

const revived = new WeakMap<Scope, data.Dictionary>();

function contextDictionary(scope: Scope): data.Dictionary {
  let dict = revived.get(scope);
  if (dict === undefined) {
    dict = JSON.parse(JSON.stringify(scope.contexts), data.reviver) as data.Dictionary;
    revived.set(scope, dict);
  }
  return dict;
}

/** Evaluates one expression (without `${{ }}`) to the evaluator's data. */
export function evaluateData(expression: string, scope: Scope): data.ExpressionData {
  try {
    const tokens = new Lexer(expression).lex().tokens;
    const functions = scope.functions ?? [];
    const tree = new Parser(tokens, Object.keys(scope.contexts), [...functions]).parse();
    const map = new Map(functions.map((f) => [f.name.toLowerCase(), f]));
    return new Evaluator(tree, contextDictionary(scope), map).evaluate();
  } catch (error) {
    throw new ExpressionFailure(expression, error);
  }
}

export function toJson(value: data.ExpressionData): JsonValue {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? 'null') as JsonValue;
}

export function evaluate(expression: string, scope: Scope): JsonValue {
  return toJson(evaluateData(expression, scope));
}

export function evaluateCondition(expression: string, scope: Scope): boolean {
  return truthy(evaluateData(expression, scope));
}

/** The string a value becomes in a string position (env, with:, outputs, run:). */
export function coerceString(value: data.ExpressionData, expression: string): string {
  if (value.kind === data.Kind.Array || value.kind === data.Kind.Dictionary) {
    throw new ExpressionFailure(
      expression,
      `evaluates to ${value.kind === data.Kind.Array ? 'an array' : 'an object'} where a string is expected (use toJSON())`,
    );
  }
  return value.coerceString();
}

/** Evaluates a node where GitHub expects a string. */
export function evaluateString(node: WorkflowNode, scope: Scope, file: string, what: string): string {
  try {
    switch (node.kind) {
      case 'literal':
        return node.value === null ? '' : String(node.value);
      case 'expr':
        return coerceString(evaluateData(node.expr, scope), node.expr);
      default:
        throw new Error(`expected a string, got ${describe(node)}`);
    }
  } catch (error) {
    throw new WorkflowSyntaxError(file, node.pos, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Evaluates a node to a plain value (mappings and sequences element by element). */
export function evaluateNode(node: WorkflowNode, scope: Scope, file: string, what: string): JsonValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'expr':
      try {
        return evaluate(node.expr, scope);
      } catch (error) {
        throw new WorkflowSyntaxError(
          file,
          node.pos,
          `${what}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    case 'seq':
      return node.items.map((item, i) => evaluateNode(item, scope, file, `${what}[${i}]`));
    case 'map': {
      const out: Record<string, JsonValue> = {};
      for (const e of node.entries) out[e.key] = evaluateNode(e.value, scope, file, `${what}.${e.key}`);
      return out;
    }
  }
}

/** Evaluates a mapping of strings (env:, with:, outputs:). */
export function evaluateStringMap(
  node: WorkflowNode | undefined,
  scope: Scope,
  file: string,
  what: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (node === undefined) return out;
  if (node.kind !== 'map') {
    throw new WorkflowSyntaxError(file, node.pos, `${what}: expected a mapping, got ${describe(node)}`);
  }
  for (const e of node.entries) out[e.key] = evaluateString(e.value, scope, file, `${what}.${e.key}`);
  return out;
}

export function fn(
  name: string,
  minArgs: number,
  maxArgs: number,
  call: (...args: data.ExpressionData[]) => data.ExpressionData,
): FunctionDefinition {
  return { name, minArgs, maxArgs, call };
}

export { data };
