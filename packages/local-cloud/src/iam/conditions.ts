// IAM condition operators: String*, Arn*, Bool, Null, with the `ForAnyValue:`/`ForAllValues:`
// set qualifiers and the `IfExists` suffix. Keys are case-insensitive; a missing key makes a
// positive operator false and a negated one true.
import type { ConditionClause } from './policy.ts';
import { wildcardMatch } from './wildcard.ts';

export const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Bool',
  'Null',
]);

export interface ParsedOperator {
  base: string;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
}

export function parseConditionOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let set: ParsedOperator['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon);
    if (qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues') return undefined;
    set = qualifier;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!CONDITION_OPERATORS.has(base) || (base === 'Null' && (ifExists || set))) return undefined;
  return set ? { base, set, ifExists } : { base, ifExists };
}

/** Values of the request context, by condition key (looked up case-insensitively). */
export type ConditionContext = Readonly<Record<string, string | readonly string[] | undefined>>;

function lookup(context: ConditionContext, key: string): readonly string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === wanted && v !== undefined) return typeof v === 'string' ? [v] : v;
  }
  return undefined;
}

function negated(base: string): boolean {
  return base.includes('Not');
}

function matchOne(base: string, expected: string, actual: string): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
    case 'ArnEquals':
    case 'ArnNotEquals':
      return expected === actual;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
    case 'ArnLike':
    case 'ArnNotLike':
      return wildcardMatch(expected, actual);
    case 'Bool':
      return expected.toLowerCase() === actual.toLowerCase();
    default:
      return false;
  }
}

/** Whether one condition clause holds in the context. */
export function conditionHolds(clause: ConditionClause, context: ConditionContext): boolean {
  const op = parseConditionOperator(clause.operator);
  if (!op) return false;
  const actual = lookup(context, clause.key);
  if (op.base === 'Null') {
    const wantMissing = clause.values.some((v) => v.toLowerCase() === 'true');
    return wantMissing === (actual === undefined || actual.length === 0);
  }
  if (actual === undefined || actual.length === 0) {
    if (op.ifExists) return true;
    if (op.set === 'ForAllValues') return true;
    return negated(op.base) && op.set === undefined;
  }
  const anyExpectedMatches = (value: string) => clause.values.some((expected) => matchOne(op.base, expected, value));
  const valueOk = (value: string) => (negated(op.base) ? !anyExpectedMatches(value) : anyExpectedMatches(value));
  if (op.set === 'ForAllValues') return actual.every(valueOk);
  if (op.set === 'ForAnyValue') return actual.some(valueOk);
  // single-valued key: a negated operator holds when no value matches
  return negated(op.base) ? actual.every(valueOk) : actual.some(valueOk);
}

export function conditionsHold(clauses: readonly ConditionClause[], context: ConditionContext): boolean {
  return clauses.every((clause) => conditionHolds(clause, context));
}
