// Issue #16, item 6: an input's default is written in action.yml and again in the action's
// inputs.ts (the reader's `default:`). They must agree:
// - where action.yml has a default, the code default is the same value (durations compared in
//   milliseconds; a named constant is looked up where it is exported);
// - where it has none (an input of one builder only, whose default would make the other builder
//   refuse it), the description says the code default: "default `<value>`";
// - a computed code default (a path under the workspace, another input) has no action.yml default.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { isTestCode, read, repoRoot, sourceFiles } from './source-files.ts';

export interface CodeDefault {
  input: string;
  reader: string;
  /** The literal as written, or undefined when the default is computed. */
  literal: string | boolean | number | undefined;
  source: string;
}

/** `reader.getX('name', ..., { ..., default: <expr>, ... })` calls of an inputs.ts. */
export function codeDefaults(source: string): CodeDefault[] {
  const found: CodeDefault[] = [];
  for (const call of source.matchAll(/\.get(\w+)\(\s*'([a-z0-9-]+)'/g)) {
    const start = (call.index ?? 0) + call[0].length;
    const rest = source.slice(start);
    const end = rest.search(/\.get\w+\(|;\n/);
    const args = end < 0 ? rest : rest.slice(0, end);
    const value = /\bdefault:\s*([^,}\n]+(?:\([^)]*\))?)/.exec(args)?.[1]?.trim();
    if (value === undefined) continue;
    found.push({ input: call[2] ?? '', reader: call[1] ?? '', literal: literalOf(value), source: value });
  }
  return found;
}

/** `export const NAME = '...'` in the sources of the packages and actions. */
function exportedConstant(name: string): string | undefined {
  const files = sourceFiles().filter((f) => /^(packages|actions)\/[^/]+\/src\/.*\.ts$/.test(f) && !isTestCode(f));
  for (const file of files) {
    const match = new RegExp(`export const ${name} = '([^']*)';`).exec(read(file));
    if (match) return match[1];
  }
  return undefined;
}

function literalOf(expression: string): string | boolean | number | undefined {
  if (/^[A-Z][A-Z0-9_]*$/.test(expression)) return exportedConstant(expression);
  if (/^'[^']*'$/.test(expression) || /^"[^"]*"$/.test(expression)) return expression.slice(1, -1);
  if (expression === 'true' || expression === 'false') return expression === 'true';
  if (/^\d[\d_]*$/.test(expression)) return Number(expression.replace(/_/g, ''));
  return undefined;
}

function same(code: CodeDefault, text: string): boolean {
  if (code.reader === 'Duration' && typeof code.literal === 'number') return parseDuration(text) === code.literal;
  return text === String(code.literal);
}

/** Whether the code default and the action.yml input (default, description) say the same. */
export function agree(code: CodeDefault, declared: { default?: unknown; description?: unknown }): boolean {
  if (declared.default !== undefined) return code.literal !== undefined && same(code, String(declared.default));
  if (code.literal === undefined) return true;
  const stated = /default `([^`]*)`/.exec(String(declared.description ?? ''))?.[1];
  return stated !== undefined && same(code, stated);
}

const actions = readdirSync(join(repoRoot, 'actions')).filter((name) => !name.startsWith('.'));

describe('input defaults agree with action.yml', () => {
  test('the reader finds literal and computed defaults', () => {
    const found = codeDefaults(
      "const a = reader.getEnum('scan', ['none', 'wait'], { default: 'none' });\n" +
        "x: reader.getDuration('timeout', { default: 600_000, min: 1000 }),\n" +
        "reader.getBoolean('cache', { default: true });\n" +
        "reader.getPath('output-dir', {\n    default: join(runnerTemp, 'x'),\n  });\n" +
        "reader.getString('digest', { required: true });\n",
    );
    expect(found.map((d) => [d.input, d.literal])).toEqual([
      ['scan', 'none'],
      ['timeout', 600_000],
      ['cache', true],
      ['output-dir', undefined],
    ]);
    expect(agree({ input: 'timeout', reader: 'Duration', literal: 600_000, source: '' }, { default: '10m' })).toBe(
      true,
    );
    expect(agree({ input: 'concurrency', reader: 'Integer', literal: 4, source: '' }, { default: '5' })).toBe(false);
    expect(agree({ input: 'cache', reader: 'Boolean', literal: true, source: '' }, {})).toBe(false);
    expect(
      agree({ input: 'user', reader: 'String', literal: '10001', source: '' }, { description: 'x (default `10001`)' }),
    ).toBe(true);
    expect(agree({ input: 'dir', reader: 'Path', literal: undefined, source: '' }, { default: '.' })).toBe(false);
  });

  test.each(actions)('%s', (action) => {
    const metadata = parse(read(`actions/${action}/action.yml`)) as {
      inputs?: Record<string, { default?: unknown; description?: unknown }>;
    };
    const declared = metadata.inputs ?? {};
    const defaults = codeDefaults(read(`actions/${action}/src/inputs.ts`));
    expect(defaults.length).toBeGreaterThan(0);
    const disagreements = defaults
      .filter((d) => d.input in declared && !agree(d, declared[d.input] ?? {}))
      .map(
        (d) =>
          `${d.input}: inputs.ts default ${d.source}, action.yml default ${JSON.stringify(declared[d.input]?.default)}`,
      );
    expect(disagreements).toEqual([]);
  });
});
