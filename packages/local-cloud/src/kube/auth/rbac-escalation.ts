// RBAC's escalation prevention, as the API server's RBAC storage applies it (kubernetes
// pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go and
// pkg/registry/rbac/validation/rule.go ConfirmNoEscalation):
// - a Role or ClusterRole may be created or updated by a user who already holds every permission
//   it grants (RBAC rules only), or who may `escalate` that role;
// - a RoleBinding or ClusterRoleBinding, by a user who holds every permission of the referenced
//   role, or who may `bind` it;
// - members of system:masters skip both checks.
// Otherwise: 403 naming the permissions the user does not hold, in the API server's words.
import { KubeStatusError, notFound } from '../api/status.ts';
import type { PolicyRule, RbacAuthorizer } from './rbac.ts';
import type { Authorizer, UserInfo } from './user.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface RbacWrite {
  /** roles, clusterroles, rolebindings or clusterrolebindings (other resources pass). */
  resource: string;
  group: string;
  object: Record<string, unknown>;
  user: UserInfo;
}

/** One verb on one resource (or one non-resource URL): what `Covers` breaks rules down to. */
interface AtomicRule {
  verb: string;
  group?: string;
  resource?: string;
  name?: string;
  url?: string;
}

function atoms(rule: PolicyRule): AtomicRule[] {
  const out: AtomicRule[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verb, url });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verb, group, resource });
        for (const name of names) out.push({ verb, group, resource, name });
      }
    }
  }
  return out;
}

function resourceCovered(owned: readonly string[], wanted: string): boolean {
  if (owned.includes('*') || owned.includes(wanted)) return true;
  const slash = wanted.indexOf('/');
  if (slash < 0) return false;
  // "*/scale" covers every resource's scale subresource, "deployments/*" every subresource
  return owned.includes(`*${wanted.slice(slash)}`) || owned.includes(`${wanted.slice(0, slash)}/*`);
}

function ruleCovers(owner: PolicyRule, atom: AtomicRule): boolean {
  const verbs = owner.verbs ?? [];
  if (!verbs.includes('*') && !verbs.includes(atom.verb)) return false;
  if (atom.url !== undefined) {
    return (owner.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === atom.url || (u.endsWith('*') && atom.url?.startsWith(u.slice(0, -1))),
    );
  }
  const groups = owner.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(atom.group ?? '')) return false;
  if (!resourceCovered(owner.resources ?? [], atom.resource ?? '')) return false;
  const names = owner.resourceNames ?? [];
  return names.length === 0 || (atom.name !== undefined && names.includes(atom.name));
}

const goQuoted = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;

/** `{APIGroups:["apps"], Resources:["deployments"], Verbs:["create" "patch"]}`, as CompactString prints. */
function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  if (rule.verbs?.length) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** CompactRules: atoms of one group/resource/name (or one URL) merged into one rule with their verbs. */
function compact(missing: readonly AtomicRule[]): PolicyRule[] {
  const merged = new Map<string, PolicyRule>();
  for (const atom of missing) {
    const key = JSON.stringify([atom.group, atom.resource, atom.name, atom.url]);
    const rule =
      merged.get(key) ??
      (atom.url !== undefined
        ? { nonResourceURLs: [atom.url], verbs: [] }
        : {
            apiGroups: [atom.group ?? ''],
            resources: [atom.resource ?? ''],
            ...(atom.name !== undefined ? { resourceNames: [atom.name] } : {}),
            verbs: [],
          });
    if (!rule.verbs?.includes(atom.verb)) rule.verbs?.push(atom.verb);
    merged.set(key, rule);
  }
  return [...merged.values()];
}

export class RbacEscalationCheck {
  readonly #rbac: RbacAuthorizer;
  readonly #authorizer: Authorizer;

  constructor(rbac: RbacAuthorizer, authorizer: Authorizer) {
    this.#rbac = rbac;
    this.#authorizer = authorizer;
  }

  /** Throws the API server's 403 when `write` would grant what its user does not hold. */
  admit(write: RbacWrite): void {
    if (write.group !== RBAC_GROUP) return;
    const { user, object, resource } = write;
    if (user.groups.includes('system:masters')) return;
    const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const namespace = meta.namespace ?? '';
    const name = meta.name ?? '';
    let rules: PolicyRule[];
    if (resource === 'roles' || resource === 'clusterroles') {
      if (this.#may(user, 'escalate', resource, namespace, name)) return;
      rules = (object.rules as PolicyRule[] | undefined) ?? [];
    } else if (resource === 'rolebindings' || resource === 'clusterrolebindings') {
      const roleRef = (object.roleRef ?? {}) as { kind?: string; name?: string };
      const roleResource = roleRef.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
      if (this.#may(user, 'bind', roleResource, namespace, roleRef.name ?? '')) return;
      const referenced = this.#rbac.roleRules(roleRef.kind ?? '', roleRef.name ?? '', namespace);
      if (!referenced) throw notFound(roleResource, RBAC_GROUP, roleRef.name ?? '');
      rules = referenced;
    } else {
      return;
    }
    const owned = this.#rbac.rulesFor(user, namespace);
    const missing = rules.flatMap(atoms).filter((atom) => !owned.some((rule) => ruleCovers(rule, atom)));
    if (missing.length === 0) return;
    const described = [...new Set(compact(missing).map(compactString))].sort();
    const message =
      `${resource}.${RBAC_GROUP} "${name}" is forbidden: user ${JSON.stringify(user.username)} ` +
      `(groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${described.join('\n')}`;
    throw new KubeStatusError(403, 'Forbidden', message, { name, group: RBAC_GROUP, kind: resource });
  }

  #may(user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
    return this.#authorizer.authorize({
      user,
      verb,
      resourceRequest: true,
      path: '',
      group: RBAC_GROUP,
      version: 'v1',
      resource,
      subresource: '',
      namespace,
      name,
    }).allowed;
  }
}
