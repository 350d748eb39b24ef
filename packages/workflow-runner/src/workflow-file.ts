// Parses a workflow file with GitHub's own parser (@actions/workflow-parser), runs its converter
// (which checks `needs`, expressions and contexts per key, and normalises `if:` conditions), and
// returns the plain tree plus the normalised conditions. Any parser error is fatal.
import { readFileSync } from 'node:fs';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { loadParser, type ParserModules } from './parser-loader.ts';
import type { MapNode, Position, WorkflowNode } from './workflow-node.ts';

export interface ParsedWorkflow {
  /** The file name used in messages. */
  file: string;
  root: MapNode;
  /** Normalised `if:` of each job (`success() && (...)` added where no status function is used). */
  jobIf: Map<string, string>;
  /** Normalised `if:` of each step, by job id and step index. */
  stepIf: Map<string, string[]>;
}

/** Parser errors of a workflow file, one per line: `file (Line: n, Col: m): message`. */
export class WorkflowParseError extends Error {
  readonly errors: string[];
  constructor(file: string, errors: string[]) {
    super(`workflow ${file} does not parse:\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'WorkflowParseError';
    this.errors = errors;
  }
}

function position(token: TemplateToken): Position {
  return { line: token.range?.start.line ?? 0, col: token.range?.start.column ?? 0 };
}

function toNode(p: ParserModules['parser'], token: TemplateToken, file: string): WorkflowNode {
  const pos = position(token);
  if (p.isBasicExpression(token)) return { kind: 'expr', expr: token.expression, pos };
  if (p.isString(token)) return { kind: 'literal', value: token.value, pos };
  if (p.isNumber(token)) return { kind: 'literal', value: token.value, pos };
  if (p.isBoolean(token)) return { kind: 'literal', value: token.value, pos };
  if (p.isSequence(token)) {
    const items: WorkflowNode[] = [];
    for (const item of token) items.push(toNode(p, item, file));
    return { kind: 'seq', items, pos };
  }
  if (p.isMapping(token)) {
    const entries: MapNode['entries'] = [];
    for (const pair of token) {
      if (!p.isString(pair.key)) {
        throw new WorkflowParseError(file, [
          `${file} (Line: ${pos.line}, Col: ${pos.col}): a mapping key that is an expression is not supported by the local runner`,
        ]);
      }
      entries.push({ key: pair.key.value, pos: position(pair.key), value: toNode(p, pair.value, file) });
    }
    return { kind: 'map', entries, pos };
  }
  if (token.templateTokenType === 7) return { kind: 'literal', value: null, pos };
  throw new WorkflowParseError(file, [
    `${file} (Line: ${pos.line}, Col: ${pos.col}): ${token.typeName()} is not supported by the local runner (e.g. \${{ insert }})`,
  ]);
}

/** Parses workflow text; `file` names it in messages. Throws WorkflowParseError on any parser error. */
export async function parseWorkflowText(file: string, content: string): Promise<ParsedWorkflow> {
  const { parser, convert } = await loadParser();
  const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined || errors.length > 0) throw new WorkflowParseError(file, errors);
  const template = await convert.convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
    errorPolicy: convert.ErrorPolicy.TryConversion,
  });
  const converted = (template.errors ?? []).map((e) => e.Message);
  if (converted.length > 0) throw new WorkflowParseError(file, converted);
  const root = toNode(parser, parsed.value, file);
  if (root.kind !== 'map') throw new WorkflowParseError(file, [`${file}: expected a mapping at the top level`]);
  const jobIf = new Map<string, string>();
  const stepIf = new Map<string, string[]>();
  for (const job of template.jobs) {
    jobIf.set(job.id.value, job.if.expression);
    if (job.type === 'job')
      stepIf.set(
        job.id.value,
        job.steps.map((s) => ('if' in s && s.if ? s.if.expression : 'success()')),
      );
  }
  return { file, root, jobIf, stepIf };
}

export async function parseWorkflowFile(path: string, displayName = path): Promise<ParsedWorkflow> {
  return parseWorkflowText(displayName, readFileSync(path, 'utf8'));
}
