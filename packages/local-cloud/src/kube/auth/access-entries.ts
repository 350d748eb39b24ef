// EKS access entries: an IAM principal (role or user ARN) becomes a Kubernetes username and
// groups, and access policies (AmazonEKSAdminPolicy, ...) grant a cluster role's rules on the
// whole cluster or some namespaces. A principal without an entry is not authenticated (401),
// as on EKS.
import { ACCESS_POLICY_ROLES } from './bootstrap-policy.ts';
import type { CallerIdentity } from './eks-token.ts';
import { type PolicyRule, ruleAllows } from './rbac.ts';
import type { Decision, RequestAttributes, UserInfo } from './user.ts';

export interface AccessScope {
  type: 'cluster' | 'namespace';
  namespaces?: string[];
}

export interface AccessPolicyAssociation {
  policyArn: string;
  accessScope: AccessScope;
  /** When the EKS API associated it (entries made in code have none). */
  associatedAt?: Date;
  modifiedAt?: Date;
}

export interface AccessEntry {
  /** `arn:aws:iam::<account>:role/<name>` or `arn:aws:iam::<account>:user/<name>` */
  principalArn: string;
  /** Kubernetes username; default for a role `arn:aws:sts::<account>:assumed-role/<name>/{{SessionName}}` */
  username?: string;
  kubernetesGroups?: string[];
  accessPolicies?: AccessPolicyAssociation[];
  /** What the EKS API keeps (CreateAccessEntry): type, tags, the entry's ARN and times. */
  type?: string;
  tags?: Record<string, string>;
  accessEntryArn?: string;
  createdAt?: Date;
  modifiedAt?: Date;
}

const PRINCIPAL = /^arn:aws:iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

export function validateAccessEntry(entry: AccessEntry): void {
  if (!PRINCIPAL.test(entry.principalArn)) {
    throw new Error(`access entry: principalArn '${entry.principalArn}' is not an IAM role or user ARN`);
  }
  for (const group of entry.kubernetesGroups ?? []) {
    if (group.startsWith('system:')) {
      throw new Error(`access entry: kubernetes group '${group}' is not allowed (the system: prefix is reserved)`);
    }
  }
  for (const p of entry.accessPolicies ?? []) {
    if (!(p.policyArn in ACCESS_POLICY_ROLES)) {
      throw new Error(
        `access entry: unknown access policy '${p.policyArn}'; expected one of ${Object.keys(ACCESS_POLICY_ROLES).join(', ')}`,
      );
    }
    if (p.accessScope.type === 'namespace' && (p.accessScope.namespaces ?? []).length === 0) {
      throw new Error(`access entry: access scope 'namespace' of '${p.policyArn}' names no namespace`);
    }
  }
}

/** The principal an STS identity maps to: the role for an assumed role, else the ARN itself. */
export function principalOf(identity: CallerIdentity): string {
  if (identity.roleArn) return identity.roleArn;
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(identity.arn);
  return m ? `arn:aws:iam::${m[1]}:role/${m[2]}` : identity.arn;
}

function sessionName(identity: CallerIdentity): string {
  const parts = identity.userId.split(':');
  return parts.length === 2 ? (parts[1] ?? '') : '';
}

export class AccessEntries {
  readonly #entries = new Map<string, AccessEntry>();

  set(entry: AccessEntry): void {
    validateAccessEntry(entry);
    this.#entries.set(entry.principalArn, structuredClone(entry));
  }

  delete(principalArn: string): boolean {
    return this.#entries.delete(principalArn);
  }

  get(principalArn: string): AccessEntry | undefined {
    const e = this.#entries.get(principalArn);
    return e ? structuredClone(e) : undefined;
  }

  list(): AccessEntry[] {
    return [...this.#entries.values()].map((e) => structuredClone(e));
  }

  /** The Kubernetes user of an identity, or undefined when no entry maps it. */
  userFor(identity: CallerIdentity): UserInfo | undefined {
    const principal = principalOf(identity);
    const entry = this.#entries.get(principal);
    if (!entry) return undefined;
    const m = PRINCIPAL.exec(principal);
    const account = m?.[1] ?? identity.account;
    const defaultName = m?.[2] === 'role' ? `arn:aws:sts::${account}:assumed-role/${m[3]}/{{SessionName}}` : principal;
    const username = (entry.username ?? defaultName)
      .replaceAll('{{SessionName}}', sessionName(identity))
      .replaceAll('{{SessionNameRaw}}', sessionName(identity))
      .replaceAll('{{AccountID}}', account);
    return {
      username,
      uid: `aws-iam-authenticator:${account}:${identity.userId.split(':')[0] ?? ''}`,
      groups: [...(entry.kubernetesGroups ?? []), 'system:authenticated'],
      extra: {
        arn: [identity.arn],
        canonicalArn: [principal],
        sessionName: [sessionName(identity)],
        principalId: [identity.userId.split(':')[0] ?? ''],
        accountId: [account],
      },
    };
  }

  /** The EKS authorizer for access policies, given a way to read a cluster role's rules. */
  authorizer(rulesOf: (clusterRole: string) => PolicyRule[]) {
    return {
      authorize: (a: RequestAttributes): Decision => {
        const principal = a.user.extra?.canonicalArn?.[0];
        const entry = principal ? this.#entries.get(principal) : undefined;
        for (const p of entry?.accessPolicies ?? []) {
          const scoped =
            p.accessScope.type === 'cluster' ||
            (a.namespace !== '' && (p.accessScope.namespaces ?? []).includes(a.namespace));
          if (!scoped) continue;
          const role = ACCESS_POLICY_ROLES[p.policyArn] ?? '';
          if (rulesOf(role).some((r) => ruleAllows(r, a))) {
            return {
              allowed: true,
              reason: `EKS Access Policy: allowed by ClusterRoleBinding "${p.policyArn}+${principal}" of ClusterRole "${role}" to User "${a.user.username}"`,
            };
          }
        }
        return { allowed: false, reason: '' };
      },
    };
  }
}
