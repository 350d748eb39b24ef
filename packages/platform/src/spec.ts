// Loads a spec file: YAML parsed with positions, validated against the schema; an error names the
// file, the line and column, and the key.
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Spec, spec as schema } from './spec-schema.ts';

export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

function rangeOf(
  doc: ReturnType<typeof parseDocument>,
  path: (string | number)[],
  key?: string,
): [number, number] | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (!node || typeof node !== 'object' || !('get' in node)) break;
    const next = (node as { get(k: unknown, keepScalar: boolean): unknown }).get(segment, true);
    if (next === undefined) break;
    node = next;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    const keyNode = pair && isPair(pair) ? (pair.key as Node | null) : null;
    if (keyNode?.range) return [keyNode.range[0], keyNode.range[1]];
  }
  const range = (node as Node | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): { path: (string | number)[]; key?: string; message: string } {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return { path, key, message: `unknown key '${key}'` };
  }
  if (issue.code === 'invalid_union') {
    // A check: say which kinds exist, or the first nested problem.
    const nested = issue.errors.flat()[0];
    if (path.at(-2) === 'checks' || (path[0] === 'checks' && path.length === 2)) {
      const keys = nested?.code === 'unrecognized_keys' ? ` (unknown key '${nested.keys[0]}')` : '';
      return { path, message: `a check needs 'name' and exactly one of http, metadata, file, command${keys}` };
    }
    if (nested) return describeIssue({ ...nested, path: [...issue.path, ...nested.path] } as z.core.$ZodIssue);
  }
  return { path, message: issue.message };
}

export function parseSpec(text: string, file: string): Spec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e?.linePos?.[0];
    throw new SpecError(`${file}:${pos?.line ?? 1}:${pos?.col ?? 1}: ${e?.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  // A misspelt key explains a missing one: report unknown keys first.
  const issue = [...result.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  )[0];
  if (!issue) throw new SpecError(`${file}: invalid spec`);
  const { path, key, message } = describeIssue(issue);
  const range = rangeOf(doc, path, key);
  const pos = range ? lineCounter.linePos(range[0]) : { line: 1, col: 1 };
  const where = [...path, ...(key ? [key] : [])]
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  throw new SpecError(`${file}:${pos.line}:${pos.col}: ${where || '(top level)'}: ${message}`);
}

export function loadSpec(file: string): Spec {
  return parseSpec(readFileSync(file, 'utf8'), file);
}
