// IAM's evaluation logic for one account: an explicit Deny in any applicable policy wins, then an
// Allow is needed from the identity-based policies and (when the session carries one) from the
// session policy; anything else is an implicit deny.
import { type ConditionContext, conditionsHold } from './conditions.ts';
import type { Policy, Statement } from './policy.ts';
import { actionMatches, resourceMatches, wildcardMatch } from './wildcard.ts';

export type Decision = 'allow' | 'deny';

export type DecisionReason =
  | 'allowed'
  | 'explicit-deny'
  | 'no-identity-policy'
  | 'no-session-policy'
  | 'explicit-deny-session'
  | 'unknown-principal';

export interface Explanation {
  decision: Decision;
  reason: DecisionReason;
  /** Sid of the statement that decided (the Deny, or the first Allow). */
  sid?: string;
}

export interface RequestToEvaluate {
  action: string;
  resource: string;
  context?: ConditionContext;
}

function statementApplies(s: Statement, request: RequestToEvaluate): boolean {
  const action = s.action
    ? s.action.some((p) => actionMatches(p, request.action))
    : !(s.notAction ?? []).some((p) => actionMatches(p, request.action));
  if (!action) return false;
  const resource = s.resource
    ? s.resource.some((p) => resourceMatches(p, request.resource))
    : !(s.notResource ?? []).some((p) => resourceMatches(p, request.resource));
  if (!resource) return false;
  return conditionsHold(s.conditions, request.context ?? {});
}

interface SetResult {
  deny?: Statement;
  allow?: Statement;
}

function evaluateSet(policies: readonly Policy[], request: RequestToEvaluate): SetResult {
  const out: SetResult = {};
  for (const policy of policies) {
    for (const s of policy.statements) {
      if (!statementApplies(s, request)) continue;
      if (s.effect === 'Deny') return { deny: s };
      out.allow ??= s;
    }
  }
  return out;
}

function withSid(e: Omit<Explanation, 'sid'>, s: Statement | undefined): Explanation {
  return s?.sid !== undefined && s.sid !== '' ? { ...e, sid: s.sid } : e;
}

/** Evaluates identity-based policies (and optional session policies) for one request. */
export function evaluatePolicies(
  identityPolicies: readonly Policy[],
  request: RequestToEvaluate,
  sessionPolicies?: readonly Policy[],
): Explanation {
  const identity = evaluateSet(identityPolicies, request);
  if (identity.deny) return withSid({ decision: 'deny', reason: 'explicit-deny' }, identity.deny);
  const session = sessionPolicies && sessionPolicies.length > 0 ? evaluateSet(sessionPolicies, request) : undefined;
  if (session?.deny) return withSid({ decision: 'deny', reason: 'explicit-deny-session' }, session.deny);
  if (!identity.allow) return { decision: 'deny', reason: 'no-identity-policy' };
  if (session && !session.allow) return { decision: 'deny', reason: 'no-session-policy' };
  return withSid({ decision: 'allow', reason: 'allowed' }, identity.allow);
}

/** Who asks to assume a role, as a trust policy's Principal element names it. */
export interface TrustPrincipal {
  type: 'AWS' | 'Federated' | 'Service';
  id: string;
}

function principalMatches(spec: '*' | Record<string, string[]>, who: TrustPrincipal): boolean {
  if (spec === '*') return true;
  const ids = spec[who.type];
  if (!ids) return false;
  return ids.some((id) => id === '*' || (who.type === 'AWS' ? wildcardMatch(id, who.id) : id === who.id));
}

/** Evaluates a role's trust policy for `action` (e.g. sts:AssumeRoleWithWebIdentity). */
export function evaluateTrust(
  trust: Policy,
  who: TrustPrincipal,
  action: string,
  context: ConditionContext,
): Explanation {
  let allow: Statement | undefined;
  for (const s of trust.statements) {
    const principal = s.principal
      ? principalMatches(s.principal, who)
      : s.notPrincipal
        ? !principalMatches(s.notPrincipal, who)
        : false;
    if (!principal) continue;
    const actionOk = s.action
      ? s.action.some((p) => actionMatches(p, action))
      : !(s.notAction ?? []).some((p) => actionMatches(p, action));
    if (!actionOk || !conditionsHold(s.conditions, context)) continue;
    if (s.effect === 'Deny') return withSid({ decision: 'deny', reason: 'explicit-deny' }, s);
    allow ??= s;
  }
  return allow
    ? withSid({ decision: 'allow', reason: 'allowed' }, allow)
    : { decision: 'deny', reason: 'no-identity-policy' };
}
