// Validation of an ECR lifecycle policy document, with ECR's error wording:
// "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ...'".
// A valid document comes back typed, for lifecycle-evaluation.ts.
import { EcrError } from './ecr-registry.ts';

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

function fail(detail: string): never {
  throw new EcrError(
    'InvalidParameterException',
    `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${detail}'`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function only(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      fail(`object instance has properties which are not allowed by the schema: ["${key}"] (${where})`);
  }
}

function positiveInteger(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`${where} must be an integer of at least 1`);
  return v;
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || s === '')) {
    fail(`${where} must be a non-empty list of non-empty strings`);
  }
  return v as string[];
}

export function validateLifecyclePolicy(text: string): LifecyclePolicy {
  if (text.length < 100 || text.length > 30720) {
    throw new EcrError(
      'InvalidParameterException',
      `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Member must have length greater than or equal to 100 and less than or equal to 30720'`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('Invalid JSON syntax');
  }
  if (!isObject(doc)) fail('the policy must be a JSON object');
  only(doc, ['rules'], 'policy');
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) fail('object has missing required properties (["rules"])');
  const priorities = new Set<number>();
  let anyPriority: number | undefined;
  let maxPriority = 0;
  let untaggedRules = 0;
  const rules = doc.rules.map((raw: unknown, i: number): LifecycleRule => {
    const where = `rules[${i}]`;
    if (!isObject(raw)) fail(`${where} must be an object`);
    only(raw, ['rulePriority', 'description', 'selection', 'action'], where);
    const priority = positiveInteger(raw.rulePriority, `${where}.rulePriority`);
    if (priorities.has(priority)) fail(`The rulePriority ${priority} is used more than once`);
    priorities.add(priority);
    maxPriority = Math.max(maxPriority, priority);
    if (raw.description !== undefined && typeof raw.description !== 'string')
      fail(`${where}.description must be a string`);
    const selection = raw.selection;
    if (!isObject(selection)) fail(`object has missing required properties (["selection"]) (${where})`);
    only(
      selection,
      ['tagStatus', 'tagPrefixList', 'tagPatternList', 'countType', 'countUnit', 'countNumber'],
      `${where}.selection`,
    );
    const status = selection.tagStatus;
    if (status !== 'tagged' && status !== 'untagged' && status !== 'any') {
      fail(`${where}.selection.tagStatus must be one of tagged, untagged, any`);
    }
    const hasPrefix = selection.tagPrefixList !== undefined;
    const hasPattern = selection.tagPatternList !== undefined;
    if (status === 'tagged') {
      if (hasPrefix === hasPattern)
        fail(`${where}: tagPrefixList or tagPatternList (exactly one) is required when tagStatus is tagged`);
      if (hasPrefix) stringList(selection.tagPrefixList, `${where}.selection.tagPrefixList`);
      if (hasPattern) {
        // User guide: "There is a maximum limit of four wildcards (*) per string."
        for (const pattern of stringList(selection.tagPatternList, `${where}.selection.tagPatternList`)) {
          if (pattern.split('*').length - 1 > 4)
            fail(`${where}.selection.tagPatternList: '${pattern}' has more than four wildcards (*)`);
        }
      }
    } else if (hasPrefix || hasPattern) {
      fail(`${where}: tagPrefixList and tagPatternList are only allowed when tagStatus is tagged`);
    }
    if (status === 'any') anyPriority = priority;
    // User guide: "Only one rule [...] is allowed to select untagged images."
    if (status === 'untagged' && ++untaggedRules > 1) fail('Only one rule is allowed to select untagged images');
    const countType = selection.countType;
    if (countType !== 'imageCountMoreThan' && countType !== 'sinceImagePushed') {
      fail(`${where}.selection.countType must be imageCountMoreThan or sinceImagePushed`);
    }
    if (countType === 'sinceImagePushed' && selection.countUnit !== 'days') {
      fail(`${where}.selection.countUnit must be days when countType is sinceImagePushed`);
    }
    if (countType === 'imageCountMoreThan' && selection.countUnit !== undefined) {
      fail(`${where}.selection.countUnit is not allowed when countType is imageCountMoreThan`);
    }
    const countNumber = positiveInteger(selection.countNumber, `${where}.selection.countNumber`);
    const action = raw.action;
    if (!isObject(action)) fail(`object has missing required properties (["action"]) (${where})`);
    only(action, ['type'], `${where}.action`);
    if (action.type !== 'expire') fail(`${where}.action.type must be expire`);
    const rule: LifecycleRule = {
      rulePriority: priority,
      selection: { tagStatus: status, countType, countNumber },
      action: { type: 'expire' },
    };
    if (typeof raw.description === 'string') rule.description = raw.description;
    if (hasPrefix) rule.selection.tagPrefixList = selection.tagPrefixList as string[];
    if (hasPattern) rule.selection.tagPatternList = selection.tagPatternList as string[];
    if (countType === 'sinceImagePushed') rule.selection.countUnit = 'days';
    return rule;
  });
  if (anyPriority !== undefined && anyPriority !== maxPriority) {
    fail('The rule with tagStatus any must have the highest value for rulePriority');
  }
  return { rules };
}
