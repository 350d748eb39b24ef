// A plain copy of the parser's token tree: literals, expressions (without `${{ }}`; a string that
// mixes text and expressions arrives as one `format(...)` expression), sequences and mappings, each
// with its position. The rest of the runner reads this tree, not the parser's classes.

export interface Position {
  line: number;
  col: number;
}

export type Literal = string | number | boolean | null;

export type WorkflowNode =
  | { kind: 'literal'; value: Literal; pos: Position }
  | { kind: 'expr'; expr: string; pos: Position }
  | { kind: 'seq'; items: WorkflowNode[]; pos: Position }
  | { kind: 'map'; entries: MapEntry[]; pos: Position };

export interface MapEntry {
  key: string;
  pos: Position;
  value: WorkflowNode;
}

export type MapNode = Extract<WorkflowNode, { kind: 'map' }>;
export type SeqNode = Extract<WorkflowNode, { kind: 'seq' }>;

/** An error in a workflow file, with its position: `file:line:col: message`. */
export class WorkflowSyntaxError extends Error {
  readonly file: string;
  readonly pos: Position | undefined;
  constructor(file: string, pos: Position | undefined, message: string) {
    super(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${message}`);
    this.name = 'WorkflowSyntaxError';
    this.file = file;
    this.pos = pos;
  }
}

export function find(node: MapNode, key: string): WorkflowNode | undefined {
  return node.entries.find((e) => e.key === key)?.value;
}

export function literalString(node: WorkflowNode | undefined): string | undefined {
  if (node?.kind !== 'literal' || node.value === null) return undefined;
  return String(node.value);
}

/** The source text of a node for messages: the literal, `${{ expr }}`, or its kind. */
export function describe(node: WorkflowNode): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'expr':
      return `\${{ ${node.expr} }}`;
    case 'seq':
      return 'a sequence';
    case 'map':
      return 'a mapping';
  }
}
