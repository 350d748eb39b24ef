// Loads a spec file: YAML parsed with positions (yaml's parseDocument + LineCounter), validated
// against the schema; every problem names the file, the line and column, and the key.
import { readFileSync } from 'node:fs';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Spec, spec as schema } from './spec-schema.ts';

export interface SpecProblem {
  line: number;
  column: number;
  /** `checks[0].http.expect.status`, or '' for the top level. */
  key: string;
  message: string;
}

export class SpecError extends Error {
  readonly file: string;
  readonly problems: SpecProblem[];
  constructor(file: string, problems: SpecProblem[]) {
    const lines = problems.map((p) => `${file}:${p.line}:${p.column}: ${p.key || '(top level)'}: ${p.message}`);
    super(lines.length > 1 ? `${lines[0]} (and ${lines.length - 1} more)\n${lines.slice(1).join('\n')}` : lines[0]);
    this.name = 'SpecError';
    this.file = file;
    this.problems = problems;
  }
}

type Path = (string | number)[];

/** The node at `path`, or the deepest one that exists. */
function nodeAt(doc: Document, path: Path): Node | null {
  let node = doc.contents as Node | null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
    } else break;
  }
  return node;
}

/** Where a key's name is written (for an unknown key), else the node's value. */
function offsetOf(doc: Document, path: Path, key?: string): number {
  const node = nodeAt(doc, path);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    const range = (pair?.key as Node | undefined)?.range;
    if (range) return range[0];
  }
  return node?.range?.[0] ?? 0;
}

function keyPath(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function problemsOf(issue: z.core.$ZodIssue): { path: Path; key?: string; message: string }[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path, key, message: `unknown key '${key}'` }));
  }
  if (issue.code === 'invalid_union') {
    // The alternatives' own problems, from the alternative that got furthest.
    const best = [...issue.errors].sort((a, b) => b.length - a.length)[0] ?? [];
    const nested = best.flatMap((n) => problemsOf({ ...n, path: [...issue.path, ...n.path] } as z.core.$ZodIssue));
    if (nested.length > 0 && best.every((n) => n.path.length > 0)) return nested;
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message) && path.length > 0) {
    const key = path.at(-1);
    return [
      {
        path: path.slice(0, -1),
        message: `missing required key '${String(key)}' (${issue.message.replace(/^Invalid input: /, '')})`,
      },
    ];
  }
  return [{ path, message: issue.message }];
}

export function parseSpec(text: string, file: string): Spec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          line: pos.line,
          column: pos.col,
          key: '',
          message: `invalid YAML: ${e.message.split('\n')[0] ?? e.code}`,
        };
      }),
    );
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(problemsOf).map((p) => {
    const pos = lineCounter.linePos(offsetOf(doc, p.path, p.key));
    return { line: pos.line, column: pos.col, key: keyPath(p.key ? [...p.path, p.key] : p.path), message: p.message };
  });
  // A misspelt key explains a missing one: unknown keys first, then by position.
  problems.sort(
    (a, b) =>
      Number(b.message.startsWith('unknown key')) - Number(a.message.startsWith('unknown key')) ||
      a.line - b.line ||
      a.column - b.column,
  );
  throw new SpecError(file, problems);
}

export function loadSpec(file: string): Spec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new Error(`platform-test spec: cannot read ${file}`, { cause: error });
  }
  return parseSpec(text, file);
}
