// What a SelfSubjectRulesReview answers: the rules each authorizer can list for a user in a
// namespace, unioned as the API server's rule resolvers union them
// (k8s.io/apiserver pkg/authorization/union RulesFor). RBAC lists its rules (with an error per
// binding whose role is missing); EKS access policies are decided by a webhook authorizer, which
// cannot list rules, so on EKS the review is always `incomplete` with the webhook's error next to
// the RBAC rules (kubectl auth can-i --list then warns that the list may be incomplete).
import type { PolicyRule, RbacAuthorizer } from './rbac.ts';
import type { UserInfo } from './user.ts';

export interface RuleResolution {
  rules: PolicyRule[];
  incomplete: boolean;
  errors: string[];
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RuleResolution;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/** The webhook authorizer's answer (k8s.io/apiserver plugin/pkg/authorizer/webhook RulesFor). */
export const WEBHOOK_RULES_UNSUPPORTED = 'webhook authorizer does not support user rule resolution';

/** EKS access policies: decided by a webhook, never listed. */
export const webhookRuleResolver: RuleResolver = {
  rulesFor: () => ({ rules: [], incomplete: true, errors: [WEBHOOK_RULES_UNSUPPORTED] }),
};

/** RBAC's rules for a user in a namespace; a binding to a missing role is an evaluation error. */
export function rbacRuleResolver(rbac: RbacAuthorizer): RuleResolver {
  return {
    rulesFor: (user, namespace) => {
      const { rules, missing } = rbac.rulesWithMissing(user, namespace);
      return {
        rules,
        incomplete: false,
        errors: missing.map((r) => `${r.kind.toLowerCase()}.rbac.authorization.k8s.io "${r.name}" not found`),
      };
    },
  };
}

/** The union of resolvers: every rule, incomplete when any is, every error. */
export function unionRuleResolver(...resolvers: RuleResolver[]): RuleResolver {
  return {
    rulesFor: (user, namespace) => {
      const all: RuleResolution = { rules: [], incomplete: false, errors: [] };
      for (const r of resolvers) {
        const one = r.rulesFor(user, namespace);
        all.rules.push(...one.rules);
        all.incomplete ||= one.incomplete;
        all.errors.push(...one.errors);
      }
      return all;
    },
  };
}

function nonEmpty(key: string, values: string[] | undefined): Record<string, string[]> {
  return values && values.length > 0 ? { [key]: [...values] } : {};
}

/**
 * The review's status: a rule with resources becomes a resource rule, a rule with non-resource
 * URLs a non-resource rule (as RBACAuthorizer.RulesFor splits them); errors are joined as an
 * aggregate error prints them.
 */
export function rulesReviewStatus(resolution: RuleResolution): SubjectRulesReviewStatus {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const rule of resolution.rules) {
    if ((rule.resources ?? []).length > 0) {
      resourceRules.push({
        verbs: [...(rule.verbs ?? [])],
        ...nonEmpty('apiGroups', rule.apiGroups),
        ...nonEmpty('resources', rule.resources),
        ...nonEmpty('resourceNames', rule.resourceNames),
      });
    }
    if ((rule.nonResourceURLs ?? []).length > 0) {
      nonResourceRules.push({ verbs: [...(rule.verbs ?? [])], ...nonEmpty('nonResourceURLs', rule.nonResourceURLs) });
    }
  }
  const errors = resolution.errors;
  const evaluationError = errors.length === 0 ? '' : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return {
    resourceRules,
    nonResourceRules,
    incomplete: resolution.incomplete,
    ...(evaluationError ? { evaluationError } : {}),
  };
}
