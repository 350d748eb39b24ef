// What `terraform apply` of the example root module (infra/terraform/examples/licensing-service)
// created in a local cloud, read back from the cloud's IAM, ECR and EKS access entries, with the
// run's own values (account ID, the issuer's host and port, the repository, the region, the
// access entries' UUIDs) replaced by placeholders, so the same apply always gives the same text.
// scripts/terraform-snapshot.ts writes it to terraform-pipeline.json; load-snapshot.ts creates it
// again in a new local cloud.
import type { EcrRepository } from '../../ecr/ecr-registry.ts';
import type { Iam, Role } from '../../iam/iam.ts';
import type { Tag } from '../../iam/tags.ts';
import type { AccessEntry } from '../../kube/auth/access-entries.ts';
import { NODE_ROLE_NAME } from '../cloud-infrastructure.ts';

export const SNAPSHOT_VERSION = 1;

/** The run's values that the snapshot names as `${name}`. */
export interface SnapshotVariables {
  account_id: string;
  region: string;
  /** The issuer without its scheme (`127.0.0.1:4567`): the prefix of the trust's condition keys. */
  oidc_provider: string;
  /** `owner/name` of the service repository the roles trust. */
  github_repository: string;
}

export interface SnapshotRole {
  name: string;
  path: string;
  description?: string;
  maxSessionDurationSeconds: number;
  trustPolicy: unknown;
  inlinePolicies: Record<string, unknown>;
  attachedPolicyArns: string[];
  tags: Tag[];
}

export interface SnapshotRepository {
  name: string;
  imageTagMutability: EcrRepository['imageTagMutability'];
  scanOnPush: boolean;
  /** The text PutLifecyclePolicy was given (Terraform's jsonencode). */
  lifecyclePolicyText?: string;
  policyText?: string;
  tags: { Key: string; Value: string }[];
}

export interface SnapshotAccessEntry {
  principalArn: string;
  accessEntryArn: string;
  type: string;
  username?: string;
  kubernetesGroups: string[];
  tags: Record<string, string>;
  accessPolicies: { policyArn: string; accessScope: { type: 'cluster' | 'namespace'; namespaces?: string[] } }[];
}

export interface PipelineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** How the file was made and how to make it again. */
  about: string;
  oidcProviders: { url: string; clientIds: string[]; thumbprints: string[]; tags: Tag[] }[];
  roles: SnapshotRole[];
  repositories: SnapshotRepository[];
  accessEntries: SnapshotAccessEntry[];
}

export interface CaptureSources {
  iam: Iam;
  repositories: readonly EcrRepository[];
  accessEntries: readonly AccessEntry[];
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

function role(r: Role): SnapshotRole {
  return {
    name: r.name,
    path: r.path,
    ...(r.description !== undefined ? { description: r.description } : {}),
    maxSessionDurationSeconds: r.maxSessionDurationSeconds,
    trustPolicy: r.trustPolicy.document,
    inlinePolicies: Object.fromEntries(
      [...r.policies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) => [name, p.document]),
    ),
    attachedPolicyArns: [...(r.attachedPolicyArns ?? [])].sort(),
    tags: [...(r.tags ?? [])].sort((a, b) => a.Key.localeCompare(b.Key)),
  };
}

function repository(r: EcrRepository): SnapshotRepository {
  return {
    name: r.name,
    imageTagMutability: r.imageTagMutability,
    scanOnPush: r.scanOnPush,
    ...(r.lifecyclePolicyText !== undefined ? { lifecyclePolicyText: r.lifecyclePolicyText } : {}),
    ...(r.policyText !== undefined ? { policyText: r.policyText } : {}),
    tags: [...r.resourceTags].sort((a, b) => a.Key.localeCompare(b.Key)),
  };
}

function accessEntry(e: AccessEntry): SnapshotAccessEntry {
  return {
    principalArn: e.principalArn,
    accessEntryArn: e.accessEntryArn ?? '',
    type: e.type ?? 'STANDARD',
    ...(e.username !== undefined ? { username: e.username } : {}),
    kubernetesGroups: [...(e.kubernetesGroups ?? [])].sort(),
    tags: Object.fromEntries(Object.entries(e.tags ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    accessPolicies: (e.accessPolicies ?? [])
      .map((p) => ({
        policyArn: p.policyArn,
        accessScope: {
          type: p.accessScope.type,
          ...(p.accessScope.namespaces !== undefined ? { namespaces: [...p.accessScope.namespaces].sort() } : {}),
        },
      }))
      .sort((a, b) => a.policyArn.localeCompare(b.policyArn)),
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Replaces each variable's value by `${name}` in every string of `value` (longest values first). */
export function normalise<T>(value: T, variables: SnapshotVariables): T {
  const pairs = Object.entries(variables).sort(([, a], [, b]) => b.length - a.length);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v.replace(UUID, `\${uuid}`);
      for (const [name, text] of pairs) out = out.replaceAll(text, `\${${name}}`);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [walk(k) as string, walk(inner)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * The snapshot of what the apply created: every role but the nodes' own (the cluster's, not the
 * pipeline's: cloud-infrastructure.ts), the OIDC providers, the repositories' settings (no images)
 * and the access entries.
 */
export function captureSnapshot(
  sources: CaptureSources,
  variables: SnapshotVariables,
  about: string,
): PipelineSnapshot {
  const managed = sources.iam.managedPolicies.list();
  if (managed.length > 0) {
    throw new Error(
      `pipeline snapshot: the apply created customer managed policies (${managed.map((p) => p.arn).join(', ')}), which the snapshot does not hold yet`,
    );
  }
  return normalise(
    {
      version: SNAPSHOT_VERSION,
      about,
      oidcProviders: sources.iam
        .listOidcProviders()
        .map((p) => ({
          url: p.url,
          clientIds: [...p.clientIds].sort(),
          thumbprints: [...(p.thumbprints ?? [])].sort(),
          tags: [...(p.tags ?? [])].sort((a, b) => a.Key.localeCompare(b.Key)),
        }))
        .sort((a, b) => a.url.localeCompare(b.url)),
      roles: sources.iam
        .listRoles()
        .filter((r) => r.name !== NODE_ROLE_NAME)
        .map(role)
        .sort(byName),
      repositories: sources.repositories.map(repository).sort(byName),
      accessEntries: sources.accessEntries
        .map(accessEntry)
        .sort((a, b) => a.principalArn.localeCompare(b.principalArn)),
    },
    variables,
  );
}

export function encodeSnapshot(snapshot: PipelineSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
