// IAM policy documents in AWS's grammar, parsed and validated as IAM does when a policy is
// attached (MalformedPolicyDocument with IAM's messages), then normalised for evaluation.
import { CONDITION_OPERATORS, parseConditionOperator } from './conditions.ts';

export type Effect = 'Allow' | 'Deny';
type OneOrMany<T> = T | T[];

/** A policy document as written (JSON or YAML). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: OneOrMany<PolicyStatementDocument>;
}

export interface PolicyStatementDocument {
  Sid?: string;
  Effect: Effect;
  Principal?: '*' | Record<string, OneOrMany<string>>;
  NotPrincipal?: Record<string, OneOrMany<string>>;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string | boolean | number>>>;
}

/** One condition: operator (with its set/IfExists qualifiers), key and values. */
export interface ConditionClause {
  operator: string;
  key: string;
  values: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  /** `*` or principal type (AWS, Federated, Service) -> values. Trust policies only. */
  principal?: '*' | Record<string, string[]>;
  notPrincipal?: Record<string, string[]>;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  conditions: ConditionClause[];
}

export interface Policy {
  version: string;
  statements: Statement[];
  /** The document as given, for reading back (GetRolePolicy, Terraform). */
  document: PolicyDocument;
}

export type PolicyKind = 'identity' | 'trust' | 'session';

/** What IAM answers for a policy it refuses (`MalformedPolicyDocument`). */
export class MalformedPolicyDocumentError extends Error {
  readonly code = 'MalformedPolicyDocument';
}

const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);
const ACTION_PATTERN = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;

function list(value: unknown, field: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new MalformedPolicyDocumentError(`Syntax errors in policy: ${field} is empty.`);
  return items.map((item) => {
    if (typeof item !== 'string' || item === '') {
      throw new MalformedPolicyDocumentError(`Syntax errors in policy: ${field} must hold strings.`);
    }
    return item;
  });
}

function principals(value: unknown, field: string): '*' | Record<string, string[]> {
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedPolicyDocumentError(`Invalid principal in policy: ${field} must be "*" or an object.`);
  }
  const out: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) {
      throw new MalformedPolicyDocumentError(`Invalid principal in policy: "${type}"`);
    }
    const values = list(ids, `${field}.${type}`);
    // IAM: "You cannot use a wildcard to match part of a principal name or ARN"; `*` alone is allowed.
    const partial = values.find((v) => v !== '*' && /[*?]/.test(v));
    if (partial !== undefined) {
      throw new MalformedPolicyDocumentError(`Invalid principal in policy: "${type}":"${partial}"`);
    }
    out[type] = values;
  }
  return out;
}

function conditions(value: unknown): ConditionClause[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedPolicyDocumentError('Syntax errors in policy: Condition must be an object.');
  }
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!parseConditionOperator(operator)) {
      throw new MalformedPolicyDocumentError(
        `Invalid Condition type : ${operator} (known: ${[...CONDITION_OPERATORS].join(', ')})`,
      );
    }
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      throw new MalformedPolicyDocumentError(`Syntax errors in policy: Condition ${operator} must be an object.`);
    }
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      if (!/^[^:\s]+:.+$/.test(key)) {
        throw new MalformedPolicyDocumentError(
          `Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (condition key '${key}')`,
        );
      }
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'boolean' || typeof v === 'number') return String(v);
        throw new MalformedPolicyDocumentError(`Syntax errors in policy: Condition ${operator} ${key} values.`);
      });
      clauses.push({ operator, key, values });
    }
  }
  return clauses;
}

function statement(raw: unknown, kind: PolicyKind): Statement {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MalformedPolicyDocumentError('Syntax errors in policy: a Statement must be an object.');
  }
  const s = raw as Record<string, unknown>;
  for (const field of Object.keys(s)) {
    if (!STATEMENT_FIELDS.has(field)) throw new MalformedPolicyDocumentError(`Has prohibited field ${field}`);
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new MalformedPolicyDocumentError(`Invalid effect: ${String(s.Effect)} (expected Allow or Deny)`);
  }
  if ((s.Action === undefined) === (s.NotAction === undefined)) {
    throw new MalformedPolicyDocumentError(
      s.Action === undefined ? 'Missing required field Action' : 'Statement has both Action and NotAction',
    );
  }
  const out: Statement = { effect: s.Effect, conditions: conditions(s.Condition) };
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(s.Sid)) {
      throw new MalformedPolicyDocumentError(`Statement IDs (SID) must be alpha-numeric: ${String(s.Sid)}`);
    }
    out.sid = s.Sid;
  }
  const actions = list(s.Action ?? s.NotAction, s.Action !== undefined ? 'Action' : 'NotAction');
  for (const action of actions) {
    if (!ACTION_PATTERN.test(action)) {
      throw new MalformedPolicyDocumentError(
        `Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (got '${action}')`,
      );
    }
  }
  if (s.Action !== undefined) out.action = actions;
  else out.notAction = actions;

  if (kind === 'trust') {
    if (s.Principal === undefined && s.NotPrincipal === undefined) {
      throw new MalformedPolicyDocumentError('Missing required field Principal');
    }
    if (s.Resource !== undefined || s.NotResource !== undefined) {
      throw new MalformedPolicyDocumentError('Has prohibited field Resource');
    }
    if (s.Principal !== undefined) out.principal = principals(s.Principal, 'Principal');
    if (s.NotPrincipal !== undefined) {
      const np = principals(s.NotPrincipal, 'NotPrincipal');
      if (np === '*') throw new MalformedPolicyDocumentError('Invalid principal in policy: NotPrincipal "*"');
      out.notPrincipal = np;
    }
    return out;
  }
  if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
    throw new MalformedPolicyDocumentError('Policy document should not specify a principal.');
  }
  if ((s.Resource === undefined) === (s.NotResource === undefined)) {
    throw new MalformedPolicyDocumentError(
      s.Resource === undefined ? 'Missing required field Resource' : 'Statement has both Resource and NotResource',
    );
  }
  const resources = list(s.Resource ?? s.NotResource, s.Resource !== undefined ? 'Resource' : 'NotResource');
  for (const r of resources) {
    if (r !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(r)) {
      throw new MalformedPolicyDocumentError(`Resource ${r} must be in ARN format or "*".`);
    }
  }
  if (s.Resource !== undefined) out.resource = resources;
  else out.notResource = resources;
  return out;
}

/** Parses and validates a policy document (an object, or its JSON text). */
export function parsePolicy(input: unknown, kind: PolicyKind): Policy {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (error) {
      throw new MalformedPolicyDocumentError('Syntax errors in policy.', { cause: error });
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new MalformedPolicyDocumentError('Syntax errors in policy: the document must be an object.');
  }
  const d = doc as Record<string, unknown>;
  for (const field of Object.keys(d)) {
    if (field !== 'Version' && field !== 'Id' && field !== 'Statement') {
      throw new MalformedPolicyDocumentError(`Syntax errors in policy: unknown field ${field}.`);
    }
  }
  const version = d.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') {
    throw new MalformedPolicyDocumentError(`The policy failed legacy parsing: Version ${String(version)}`);
  }
  if (d.Statement === undefined) throw new MalformedPolicyDocumentError('Missing required field Statement');
  const raw = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  if (raw.length === 0) throw new MalformedPolicyDocumentError('Missing required field Statement');
  return { version, statements: raw.map((s) => statement(s, kind)), document: doc as PolicyDocument };
}
