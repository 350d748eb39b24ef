// RBAC as the API server evaluates it: ClusterRoleBindings, then RoleBindings of the request's
// namespace, whose subjects match the user or one of its groups; a rule allows when verb, API
// group, resource (or resource/subresource), resource name or non-resource URL match.
import { findResource, type ResourceDef } from '../api/resources.ts';
import type { Obj, ObjectStore } from '../api/store.ts';
import type { Decision, RequestAttributes, UserInfo } from './user.ts';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Binding {
  metadata: { name: string; namespace?: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  roleRef: { kind: string; name: string };
}

const rbac = (resource: string): ResourceDef =>
  findResource('rbac.authorization.k8s.io', 'v1', resource) as ResourceDef;

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  const verbs = rule.verbs ?? [];
  if (!verbs.includes('*') && !verbs.includes(a.verb)) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
    );
  }
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = rule.resources ?? [];
  const resourceOk = resources.some(
    (r) => r === '*' || r === combined || (a.subresource !== '' && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== '' && names.includes(a.name));
}

function subjectMatches(binding: Binding, user: UserInfo, bindingNamespace: string): boolean {
  return (binding.subjects ?? []).some((s) => {
    if (s.kind === 'User') return s.name === user.username;
    if (s.kind === 'Group') return user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') {
      return user.username === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
    }
    return false;
  });
}

function describeUser(user: UserInfo): string {
  return `User "${user.username}"`;
}

export class RbacAuthorizer {
  readonly #store: ObjectStore;
  constructor(store: ObjectStore) {
    this.#store = store;
  }

  rulesOf(kind: string, name: string, namespace: string): PolicyRule[] {
    const role =
      kind === 'ClusterRole'
        ? this.#store.get(rbac('clusterroles'), undefined, name)
        : this.#store.get(rbac('roles'), namespace, name);
    return ((role?.rules as PolicyRule[] | undefined) ?? []).slice();
  }

  /** The rules of a referenced role, or undefined when it does not exist. */
  roleRules(kind: string, name: string, namespace: string): PolicyRule[] | undefined {
    const role =
      kind === 'ClusterRole'
        ? this.#store.get(rbac('clusterroles'), undefined, name)
        : kind === 'Role' && namespace !== ''
          ? this.#store.get(rbac('roles'), namespace, name)
          : undefined;
    return role ? ((role.rules as PolicyRule[] | undefined) ?? []).slice() : undefined;
  }

  /** Every RBAC rule that applies to `user` in `namespace` (the rule resolver's RulesFor). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return this.rulesWithMissing(user, namespace).rules;
  }

  /** The rules of rulesFor, and the roles that matching bindings name but that do not exist. */
  rulesWithMissing(
    user: UserInfo,
    namespace: string,
  ): { rules: PolicyRule[]; missing: { kind: string; name: string }[] } {
    const rules: PolicyRule[] = [];
    const missing: { kind: string; name: string }[] = [];
    const add = (kind: string, name: string, ns: string) => {
      const found = this.roleRules(kind, name, ns);
      if (found) rules.push(...found);
      else missing.push({ kind, name });
    };
    for (const o of this.#store.list(rbac('clusterrolebindings'))) {
      const b = o as unknown as Binding;
      if (subjectMatches(b, user, '')) add('ClusterRole', b.roleRef.name, '');
    }
    if (namespace !== '') {
      for (const o of this.#store.list(rbac('rolebindings'), namespace)) {
        const b = o as unknown as Binding;
        if (subjectMatches(b, user, namespace)) add(b.roleRef.kind, b.roleRef.name, namespace);
      }
    }
    return { rules, missing };
  }

  authorize(a: RequestAttributes): Decision {
    for (const o of this.#store.list(rbac('clusterrolebindings'))) {
      const b = o as unknown as Binding;
      if (!subjectMatches(b, a.user, '')) continue;
      if (this.rulesOf('ClusterRole', b.roleRef.name, '').some((r) => ruleAllows(r, a))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name}" to ${describeUser(a.user)}`,
        };
      }
    }
    if (a.namespace !== '') {
      for (const o of this.#store.list(rbac('rolebindings'), a.namespace)) {
        const b = o as unknown as Binding;
        if (!subjectMatches(b, a.user, a.namespace)) continue;
        if (this.rulesOf(b.roleRef.kind, b.roleRef.name, a.namespace).some((r) => ruleAllows(r, a))) {
          return {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeUser(a.user)}`,
          };
        }
      }
    }
    return { allowed: false, reason: '' };
  }
}

/** Runs authorizers in order; the first that allows wins (as the API server's union authorizer). */
export function unionAuthorizer(...authorizers: { authorize(a: RequestAttributes): Decision }[]) {
  return {
    authorize(a: RequestAttributes): Decision {
      const reasons: string[] = [];
      for (const z of authorizers) {
        const d = z.authorize(a);
        if (d.allowed) return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { allowed: false, reason: reasons.join('; ') };
    },
  };
}

/** The message of a 403, exactly as the API server words it. */
export function forbiddenMessage(a: RequestAttributes, reason = ''): string {
  const who = `User "${a.user.username}"`;
  const tail = reason ? `: ${reason}` : '';
  if (!a.resourceRequest) return `forbidden: ${who} cannot ${a.verb} path "${a.path}"${tail}`;
  const qualified = a.group === '' ? a.resource : `${a.resource}.${a.group}`;
  const target = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${target} is forbidden: ${who} cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}${tail}`;
}

export type { Obj };
