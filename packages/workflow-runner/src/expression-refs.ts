// The context paths an expression reads, e.g. `steps.bake.outputs.digest` -> ['steps', 'bake',
// 'outputs', 'digest'], found by walking the parse tree of GitHub's expression parser (not by
// regular expressions). A path stops at the first index that is not a string literal.
import { Lexer, Parser } from '@actions/expressions';
import {
  Binary,
  ContextAccess,
  type Expr,
  FunctionCall,
  Grouping,
  IndexAccess,
  Logical,
  Unary,
} from '@actions/expressions/ast';
import { data } from './expressions.ts';

const CONTEXTS = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'needs',
  'steps',
  'job',
  'jobs',
  'runner',
  'matrix',
  'strategy',
];
const FUNCTIONS = ['success', 'failure', 'always', 'cancelled', 'hashFiles'].map((name) => ({
  name,
  minArgs: 0,
  maxArgs: 255,
}));

function literalIndex(node: IndexAccess): string | undefined {
  const index = node.index as { literal?: data.ExpressionData };
  return index.literal?.kind === data.Kind.String ? (index.literal as data.StringData).value : undefined;
}

function pathOf(node: Expr): string[] | undefined {
  if (node instanceof ContextAccess) return [node.name.lexeme];
  if (node instanceof IndexAccess) {
    const key = literalIndex(node);
    const base = pathOf(node.expr);
    return key !== undefined && base !== undefined ? [...base, key] : undefined;
  }
  return undefined;
}

function collect(node: Expr, extended: boolean, out: string[][]): void {
  if (node instanceof ContextAccess) {
    if (!extended) out.push([node.name.lexeme]);
  } else if (node instanceof IndexAccess) {
    const path = pathOf(node);
    if (path !== undefined && !extended) out.push(path);
    collect(node.expr, literalIndex(node) !== undefined, out);
    collect(node.index, false, out);
  } else if (node instanceof FunctionCall) {
    for (const arg of node.args) collect(arg, false, out);
  } else if (node instanceof Logical) {
    for (const arg of node.args) collect(arg, false, out);
  } else if (node instanceof Binary) {
    collect(node.left, false, out);
    collect(node.right, false, out);
  } else if (node instanceof Unary) {
    collect(node.expr, false, out);
  } else if (node instanceof Grouping) {
    collect(node.group, false, out);
  }
}

/** Every context path `expression` reads (without `${{ }}`). Throws on a syntax error. */
export function referencePaths(expression: string): string[][] {
  const tree = new Parser(new Lexer(expression).lex().tokens, CONTEXTS, FUNCTIONS).parse();
  const out: string[][] = [];
  collect(tree, false, out);
  return out;
}
