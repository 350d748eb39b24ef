// The IAM of one local account: OIDC identity providers, roles (trust policy + inline permission
// policies), users, and the evaluation STS, ECR, the registry front and EKS ask for each call.
import { accessDeniedMessage } from './access-denied.ts';
import { parsePrincipalArn } from './arn.ts';
import type { ConditionContext } from './conditions.ts';
import { type Decision, type Explanation, evaluatePolicies, evaluateTrust, type TrustPrincipal } from './evaluate.ts';
import { IamError } from './iam-error.ts';
import { ManagedPolicies } from './managed-policies.ts';
import { type Policy, parsePolicy } from './policy.ts';
import type { Tag } from './tags.ts';
import { uniqueId } from './unique-id.ts';

export { IamError } from './iam-error.ts';

export interface OidcProviderEntry {
  arn: string;
  /** Issuer URL as registered (`https://token.actions.githubusercontent.com`). */
  url: string;
  /** The URL without its scheme: the prefix of the condition keys (`<host>:sub`). */
  keyPrefix: string;
  clientIds: string[];
  /** Server certificate thumbprints (40 hex digits each); absent in state saved before they were kept. */
  thumbprints?: string[];
  tags?: Tag[];
  createdAt?: Date;
}

export interface RoleInput {
  name: string;
  /** Trust policy (AssumeRolePolicyDocument): an object or its JSON text. */
  trustPolicy: unknown;
  /** Inline permission policies by name. */
  policies?: Record<string, unknown>;
  /** 3600..43200 seconds (IAM's bounds); default 3600. */
  maxSessionDurationSeconds?: number;
  description?: string;
  path?: string;
  tags?: Tag[];
}

export interface Role {
  name: string;
  arn: string;
  roleId: string;
  path: string;
  description?: string;
  trustPolicy: Policy;
  policies: Map<string, Policy>;
  maxSessionDurationSeconds: number;
  createdAt: Date;
  tags?: Tag[];
  /** ARNs of the managed policies attached to the role (AttachRolePolicy). */
  attachedPolicyArns?: string[];
}

export interface UserInput {
  name: string;
  policies?: Record<string, unknown>;
  path?: string;
}

export interface User {
  name: string;
  arn: string;
  userId: string;
  path: string;
  policies: Map<string, Policy>;
  createdAt: Date;
}

export interface EvaluateOptions {
  /** Extra condition keys of the request. */
  context?: ConditionContext;
  /** Session policies of the caller's session (AssumeRole* `Policy`). */
  sessionPolicies?: readonly Policy[];
  region?: string;
}

const NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

function checkName(kind: string, name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new IamError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at '${kind}Name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and length 1..64`,
    );
  }
}

function checkPath(path: string): void {
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path) || path.length > 512) {
    throw new IamError('ValidationError', `The specified value for path is invalid: '${path}'`);
  }
}

function parsePolicies(policies: Record<string, unknown> | undefined): Map<string, Policy> {
  const out = new Map<string, Policy>();
  for (const [name, doc] of Object.entries(policies ?? {})) {
    checkName('policy', name);
    out.set(name, parsePolicy(doc, 'identity'));
  }
  return out;
}

export class Iam {
  readonly accountId: string;
  readonly partition: string;
  readonly #now: () => Date;
  readonly #providers = new Map<string, OidcProviderEntry>();
  readonly #roles = new Map<string, Role>();
  readonly #users = new Map<string, User>();
  /** Customer managed policies (CreatePolicy) and their attachments' targets. */
  readonly managedPolicies: ManagedPolicies;

  constructor(options: { accountId: string; partition?: string; now?: () => Date }) {
    if (!/^\d{12}$/.test(options.accountId)) {
      throw new IamError('ValidationError', `account ID: got '${options.accountId}'; expected 12 digits`);
    }
    this.accountId = options.accountId;
    this.partition = options.partition ?? 'aws';
    this.#now = options.now ?? (() => new Date());
    this.managedPolicies = new ManagedPolicies({
      accountId: this.accountId,
      partition: this.partition,
      now: this.#now,
    });
  }

  // ---- OIDC providers -------------------------------------------------------------------------

  addOidcProvider(input: {
    url: string;
    clientIds: readonly string[];
    thumbprints?: readonly string[];
    tags?: readonly Tag[];
  }): OidcProviderEntry {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch (error) {
      throw new IamError('ValidationError', `OIDC provider URL: got '${input.url}'; expected a URL`, { cause: error });
    }
    // CreateOpenIDConnectProvider: "The URL must begin with https://" (IAM API reference, Url).
    if (url.protocol !== 'https:') {
      throw new IamError(
        'InvalidInput',
        `Invalid Openid Connect Provider URL: ${input.url}: the URL must begin with https://`,
      );
    }
    const keyPrefix = `${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`;
    const arn = `arn:${this.partition}:iam::${this.accountId}:oidc-provider/${keyPrefix}`;
    if (this.#providers.has(arn)) {
      throw new IamError('EntityAlreadyExists', `Provider with url ${input.url} already exists.`);
    }
    const entry: OidcProviderEntry = {
      arn,
      url: input.url.replace(/\/$/, ''),
      keyPrefix,
      clientIds: [...input.clientIds],
      thumbprints: [...(input.thumbprints ?? [])],
      tags: [...(input.tags ?? [])],
      createdAt: this.#now(),
    };
    this.#providers.set(arn, entry);
    return entry;
  }

  /** The provider registered for a token's `iss`: an https URL (trailing slash ignored). */
  findOidcProvider(issuer: string): OidcProviderEntry | undefined {
    if (!issuer.startsWith('https://')) return undefined;
    const bare = issuer.slice('https://'.length).replace(/\/$/, '');
    return this.#providers.get(`arn:${this.partition}:iam::${this.accountId}:oidc-provider/${bare}`);
  }

  getOidcProvider(arn: string): OidcProviderEntry | undefined {
    return this.#providers.get(arn);
  }

  deleteOidcProvider(arn: string): boolean {
    return this.#providers.delete(arn);
  }

  listOidcProviders(): OidcProviderEntry[] {
    return [...this.#providers.values()];
  }

  /** Puts back a provider saved by an earlier run. */
  importOidcProvider(entry: OidcProviderEntry): void {
    this.#providers.set(entry.arn, entry);
  }

  // ---- roles ----------------------------------------------------------------------------------

  /** Puts back a role saved by an earlier run (its policies are parsed again, as IAM stores the documents). */
  importRole(role: Role): void {
    checkName('role', role.name);
    const policies = new Map<string, Policy>();
    for (const [name, policy] of role.policies) policies.set(name, parsePolicy(policy.document, 'identity'));
    this.#roles.set(role.name, { ...role, trustPolicy: parsePolicy(role.trustPolicy.document, 'trust'), policies });
  }

  roleArn(name: string, path = '/'): string {
    return `arn:${this.partition}:iam::${this.accountId}:role${path}${name}`;
  }

  createRole(input: RoleInput): Role {
    checkName('role', input.name);
    const path = input.path ?? '/';
    checkPath(path);
    if (this.#roles.has(input.name)) {
      throw new IamError('EntityAlreadyExists', `Role with name ${input.name} already exists.`);
    }
    const max = input.maxSessionDurationSeconds ?? 3600;
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      throw new IamError(
        'ValidationError',
        `1 validation error detected: Value '${max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      );
    }
    const role: Role = {
      name: input.name,
      arn: this.roleArn(input.name, path),
      roleId: uniqueId('AROA', this.accountId, input.name),
      path,
      trustPolicy: parsePolicy(input.trustPolicy, 'trust'),
      policies: parsePolicies(input.policies),
      maxSessionDurationSeconds: max,
      createdAt: this.#now(),
    };
    if (input.description !== undefined) role.description = input.description;
    if (input.tags !== undefined) role.tags = [...input.tags];
    this.#roles.set(role.name, role);
    return role;
  }

  putRolePolicy(roleName: string, policyName: string, document: unknown): void {
    const role = this.#requireRole(roleName);
    checkName('policy', policyName);
    role.policies.set(policyName, parsePolicy(document, 'identity'));
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    const role = this.#requireRole(roleName);
    if (!role.policies.delete(policyName)) {
      throw new IamError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`);
    }
  }

  /** DeleteRole: refused while the role has inline or attached policies, as IAM does. */
  deleteRole(roleName: string): void {
    const role = this.#requireRole(roleName);
    if (role.policies.size > 0 || (role.attachedPolicyArns ?? []).length > 0) {
      throw new IamError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    }
    this.#roles.delete(role.name);
  }

  attachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.#requireRole(roleName);
    this.managedPolicies.require(policyArn);
    const attached = role.attachedPolicyArns ?? [];
    if (!attached.includes(policyArn)) {
      role.attachedPolicyArns = [...attached, policyArn];
      this.managedPolicies.countAttachment(policyArn, 1);
    }
  }

  detachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.#requireRole(roleName);
    const attached = role.attachedPolicyArns ?? [];
    if (!attached.includes(policyArn)) {
      throw new IamError('NoSuchEntity', `Policy ${policyArn} was not found.`);
    }
    role.attachedPolicyArns = attached.filter((a) => a !== policyArn);
    this.managedPolicies.countAttachment(policyArn, -1);
  }

  /** A role by name, or IAM's NoSuchEntity. */
  requireRole(name: string): Role {
    return this.#requireRole(name);
  }

  /** A role by name, role ARN or assumed-role ARN. */
  getRole(nameOrArn: string): Role | undefined {
    if (!nameOrArn.startsWith('arn:')) return this.#roles.get(nameOrArn);
    const ref = parsePrincipalArn(nameOrArn);
    if (!ref || ref.account !== this.accountId) return undefined;
    if (ref.kind === 'assumed-role') return this.#roles.get(ref.roleName);
    if (ref.kind !== 'role') return undefined;
    const role = this.#roles.get(ref.name);
    return role && role.arn === nameOrArn ? role : undefined;
  }

  listRoles(): Role[] {
    return [...this.#roles.values()];
  }

  #requireRole(name: string): Role {
    const role = this.getRole(name);
    if (!role) throw new IamError('NoSuchEntity', `The role with name ${name} cannot be found.`);
    return role;
  }

  // ---- users ----------------------------------------------------------------------------------

  createUser(input: UserInput): User {
    checkName('user', input.name);
    const path = input.path ?? '/';
    checkPath(path);
    if (this.#users.has(input.name)) {
      throw new IamError('EntityAlreadyExists', `User with name ${input.name} already exists.`);
    }
    const user: User = {
      name: input.name,
      arn: `arn:${this.partition}:iam::${this.accountId}:user${path}${input.name}`,
      userId: uniqueId('AIDA', this.accountId, input.name),
      path,
      policies: parsePolicies(input.policies),
      createdAt: this.#now(),
    };
    this.#users.set(user.name, user);
    return user;
  }

  getUser(nameOrArn: string): User | undefined {
    if (!nameOrArn.startsWith('arn:')) return this.#users.get(nameOrArn);
    const ref = parsePrincipalArn(nameOrArn);
    if (ref?.kind !== 'user' || ref.account !== this.accountId) return undefined;
    const user = this.#users.get(ref.name);
    return user && user.arn === nameOrArn ? user : undefined;
  }

  putUserPolicy(userName: string, policyName: string, document: unknown): void {
    const user = this.getUser(userName);
    if (!user) throw new IamError('NoSuchEntity', `The user with name ${userName} cannot be found.`);
    checkName('policy', policyName);
    user.policies.set(policyName, parsePolicy(document, 'identity'));
  }

  // ---- evaluation -----------------------------------------------------------------------------

  /** `allow` or `deny` for a principal (role, assumed-role or user ARN), action and resource ARN. */
  evaluate(principalArn: string, action: string, resource: string, options: EvaluateOptions = {}): Decision {
    return this.explain(principalArn, action, resource, options).decision;
  }

  /** The decision with its reason (explicit or implicit deny) and the deciding statement. */
  explain(principalArn: string, action: string, resource: string, options: EvaluateOptions = {}): Explanation {
    const ref = parsePrincipalArn(principalArn);
    if (!ref || ref.account !== this.accountId) return { decision: 'deny', reason: 'unknown-principal' };
    let policies: Policy[];
    let entityArn: string;
    let userId: string;
    if (ref.kind === 'user') {
      const user = this.getUser(principalArn);
      if (!user) return { decision: 'deny', reason: 'unknown-principal' };
      policies = [...user.policies.values()];
      entityArn = user.arn;
      userId = user.userId;
    } else {
      const role = this.getRole(principalArn);
      if (!role) return { decision: 'deny', reason: 'unknown-principal' };
      policies = [
        ...role.policies.values(),
        ...(role.attachedPolicyArns ?? []).flatMap((a) => this.managedPolicies.defaultPolicy(a) ?? []),
      ];
      entityArn = role.arn;
      userId = ref.kind === 'assumed-role' ? `${role.roleId}:${ref.sessionName}` : role.roleId;
    }
    const context: ConditionContext = {
      'aws:PrincipalArn': entityArn,
      'aws:PrincipalAccount': this.accountId,
      'aws:userid': userId,
      'aws:CurrentTime': this.#now().toISOString(),
      ...(options.region !== undefined ? { 'aws:RequestedRegion': options.region } : {}),
      ...options.context,
    };
    return evaluatePolicies(policies, { action, resource, context }, options.sessionPolicies);
  }

  /** The AccessDenied message for a denied request, in AWS's wording. */
  accessDeniedMessage(principalArn: string, action: string, resource: string, options: EvaluateOptions = {}): string {
    return accessDeniedMessage(
      principalArn,
      action,
      resource,
      this.explain(principalArn, action, resource, options).reason,
    );
  }

  /** Whether `role`'s trust policy lets `who` perform `action` (e.g. sts:AssumeRoleWithWebIdentity). */
  evaluateTrust(role: Role, who: TrustPrincipal, action: string, context: ConditionContext): Explanation {
    return evaluateTrust(role.trustPolicy, who, action, context);
  }
}
