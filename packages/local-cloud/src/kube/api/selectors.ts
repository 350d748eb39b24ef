// Label selectors (the query syntax `a=b,c!=d,e in (f,g),!h,i` and the structured
// matchLabels/matchExpressions of a spec) and field selectors (`metadata.name=x`).
import { badRequest } from './status.ts';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values: string[];
}

export type Labels = Record<string, string> | undefined;

export function matchesRequirements(labels: Labels, requirements: readonly Requirement[]): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const value = l[r.key];
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(value ?? '');
      case 'NotIn':
        return !has || !r.values.includes(value ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'Gt':
        return has && Number(value) > Number(r.values[0]);
      case 'Lt':
        return has && Number(value) < Number(r.values[0]);
    }
    return false;
  });
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

export function parseLabelSelector(text: string): Requirement[] {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    let m = /^!\s*(\S+)$/.exec(part);
    if (m?.[1]) {
      requirements.push({ key: checkKey(m[1], text), operator: 'DoesNotExist', values: [] });
      continue;
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m?.[1] && m[2] && m[3] !== undefined) {
      requirements.push({
        key: checkKey(m[1], text),
        operator: m[2] === 'in' ? 'In' : 'NotIn',
        values: m[3]
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      });
      continue;
    }
    m = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/.exec(part);
    if (m?.[1] && m[2]) {
      const op = m[2];
      const value = m[3] ?? '';
      const key = checkKey(m[1], text);
      if (op === '!=') requirements.push({ key, operator: 'NotIn', values: [value] });
      else if (op === '<') requirements.push({ key, operator: 'Lt', values: [value] });
      else if (op === '>') requirements.push({ key, operator: 'Gt', values: [value] });
      else requirements.push({ key, operator: 'In', values: [value] });
      continue;
    }
    if (KEY.test(part)) {
      requirements.push({ key: part, operator: 'Exists', values: [] });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
  }
  return requirements;
}

function checkKey(key: string, text: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${text}"`);
  return key;
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorRequirements(selector: LabelSelectorSpec | undefined): Requirement[] {
  if (!selector) return [];
  const out: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  for (const e of selector.matchExpressions ?? []) {
    out.push({ key: e.key, operator: e.operator as Requirement['operator'], values: e.values ?? [] });
  }
  return out;
}

/** The query form of a structured selector (`app=x,tier in (a,b)`), as scale.status.selector shows it. */
export function selectorString(selector: LabelSelectorSpec | undefined): string {
  return selectorRequirements(selector)
    .map((r) => {
      if (r.operator === 'In' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
      if (r.operator === 'Exists') return r.key;
      if (r.operator === 'DoesNotExist') return `!${r.key}`;
      return `${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`;
    })
    .join(',');
}

// -- field selectors -------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(text: string): FieldRequirement[] {
  return splitTopLevel(text).map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m?.[1] || !m[2]) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: (m[3] ?? '').trim() };
  });
}

function fieldValue(object: unknown, path: string): string {
  let node: unknown = object;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return '';
    node = (node as Record<string, unknown>)[part];
  }
  if (node === undefined || node === null) return '';
  return String(node);
}

export function matchesFields(object: unknown, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.op === '='));
}

/** Field selectors the API server supports per resource (others are rejected with 400). */
export function checkFieldSelector(resource: string, requirements: readonly FieldRequirement[]): void {
  const common = ['metadata.name', 'metadata.namespace'];
  const extra: Record<string, string[]> = {
    pods: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
      'spec.hostNetwork',
    ],
    events: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    replicasets: ['status.replicas'],
    secrets: ['type'],
    namespaces: ['status.phase'],
  };
  const allowed = new Set([...common, ...(extra[resource] ?? [])]);
  for (const r of requirements) {
    if (!allowed.has(r.field)) {
      throw badRequest(`field label not supported: ${r.field}`);
    }
  }
}
