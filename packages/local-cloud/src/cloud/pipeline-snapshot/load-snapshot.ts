// Creates the pipeline's IAM, ECR and EKS access from terraform-pipeline.json (what `terraform
// apply` of the example root module created; capture-snapshot.ts) in a new local cloud, through
// the same calls the IAM, ECR and EKS APIs make for Terraform: CreateOpenIDConnectProvider,
// CreateRole with the trust policy document, PutRolePolicy, AttachRolePolicy, CreateRepository,
// PutLifecyclePolicy (validated as the API validates it), and access entries checked as
// CreateAccessEntry checks them. STS then evaluates the roles' trust exactly as for roles
// Terraform made through the API.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EcrRegistry } from '../../ecr/ecr-registry.ts';
import { validateLifecyclePolicy } from '../../ecr/lifecycle-policy.ts';
import type { Iam, OidcProviderEntry, Role } from '../../iam/iam.ts';
import { type AccessEntry, validateAccessEntry } from '../../kube/auth/access-entries.ts';
import { type PipelineSnapshot, SNAPSHOT_VERSION, type SnapshotVariables } from './capture-snapshot.ts';

/** The committed snapshot (scripts/terraform-snapshot.ts writes it). */
export const SNAPSHOT_FILE = new URL('./terraform-pipeline.json', import.meta.url);

/** Replaces `${name}` in every string with the run's value (`${uuid}`: a new UUID); an unknown name is an error. */
export function renderSnapshot(snapshot: PipelineSnapshot, variables: SnapshotVariables): PipelineSnapshot {
  const values: Readonly<Record<string, string>> = variables as unknown as Record<string, string>;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$\{([a-z_]+)\}/g, (_m, name: string) => {
        if (name === 'uuid') return randomUUID();
        const value = values[name];
        if (value === undefined) {
          throw new Error(
            `pipeline snapshot: unknown placeholder '\${${name}}'; known: ${Object.keys(values).join(', ')}, uuid`,
          );
        }
        return value;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [walk(k) as string, walk(inner)]));
    }
    return v;
  };
  return walk(snapshot) as PipelineSnapshot;
}

export function readSnapshot(file: URL | string = SNAPSHOT_FILE): PipelineSnapshot {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PipelineSnapshot>;
  if (
    parsed.version !== SNAPSHOT_VERSION ||
    !Array.isArray(parsed.roles) ||
    !Array.isArray(parsed.oidcProviders) ||
    !Array.isArray(parsed.repositories) ||
    !Array.isArray(parsed.accessEntries)
  ) {
    throw new Error(
      `pipeline snapshot ${String(file)}: version ${String(parsed.version)}; expected ${SNAPSHOT_VERSION} with oidcProviders, roles, repositories and accessEntries; regenerate it: node scripts/terraform-snapshot.ts`,
    );
  }
  return parsed as PipelineSnapshot;
}

/**
 * Whether a saved cloud state holds every role of the snapshot (it was saved by a cloud that
 * started from it); a state saved with roles.yaml's roles does not.
 */
export function holdsSnapshotRoles(
  saved: { iam: { roles: readonly { name: string }[] } },
  snapshot: PipelineSnapshot,
): boolean {
  const names = new Set(saved.iam.roles.map((r) => r.name));
  return snapshot.roles.every((r) => names.has(r.name));
}

/**
 * Creates the snapshot's OIDC providers and roles in a new cloud's `iam`. `issuerUrl` is the
 * cloud's issuer: the snapshot must hold its provider (the roles' trust names it).
 */
export function loadSnapshotIam(
  iam: Iam,
  snapshot: PipelineSnapshot,
  issuerUrl: string,
): { provider: OidcProviderEntry; roles: Role[] } {
  for (const p of snapshot.oidcProviders) {
    iam.addOidcProvider({ url: p.url, clientIds: p.clientIds, thumbprints: p.thumbprints, tags: p.tags });
  }
  const provider = iam.findOidcProvider(issuerUrl);
  if (!provider) throw new Error(`pipeline snapshot: it holds no OIDC provider for the cloud's issuer ${issuerUrl}`);
  const roles = snapshot.roles.map((r) => {
    iam.createRole({
      name: r.name,
      path: r.path,
      trustPolicy: r.trustPolicy,
      maxSessionDurationSeconds: r.maxSessionDurationSeconds,
      tags: r.tags,
      ...(r.description !== undefined ? { description: r.description } : {}),
    });
    for (const [name, document] of Object.entries(r.inlinePolicies)) iam.putRolePolicy(r.name, name, document);
    for (const arn of r.attachedPolicyArns) iam.attachRolePolicy(r.name, arn);
    return iam.requireRole(r.name);
  });
  return { provider, roles };
}

/** Creates the snapshot's repositories (settings, lifecycle and repository policy; no images). */
export function loadSnapshotEcr(registry: EcrRegistry, snapshot: PipelineSnapshot): void {
  for (const r of snapshot.repositories) {
    const repo = registry.createRepository({
      name: r.name,
      imageTagMutability: r.imageTagMutability,
      scanOnPush: r.scanOnPush,
      tags: r.tags,
    });
    if (r.lifecyclePolicyText !== undefined) {
      validateLifecyclePolicy(r.lifecyclePolicyText);
      repo.lifecyclePolicyText = r.lifecyclePolicyText;
    }
    if (r.policyText !== undefined) repo.policyText = r.policyText;
  }
}

/** The snapshot's access entries for the cluster, validated as CreateAccessEntry validates them; each names a role of `iam`. */
export function snapshotAccessEntries(iam: Iam, snapshot: PipelineSnapshot, at: Date): AccessEntry[] {
  return snapshot.accessEntries.map((e) => {
    if (e.type !== 'STANDARD') {
      throw new Error(
        `pipeline snapshot: access entry ${e.principalArn} has type ${e.type}; the local EKS supports only STANDARD`,
      );
    }
    const entry: AccessEntry = {
      principalArn: e.principalArn,
      accessEntryArn: e.accessEntryArn,
      type: e.type,
      kubernetesGroups: e.kubernetesGroups,
      tags: e.tags,
      accessPolicies: e.accessPolicies.map((p) => ({ ...p, associatedAt: at, modifiedAt: at })),
      createdAt: at,
      modifiedAt: at,
      ...(e.username !== undefined ? { username: e.username } : {}),
    };
    validateAccessEntry(entry);
    if (!iam.getRole(entry.principalArn)) {
      throw new Error(`pipeline snapshot: access entry ${entry.principalArn} names no role of the snapshot`);
    }
    return entry;
  });
}
