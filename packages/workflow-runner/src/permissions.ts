// GITHUB_TOKEN permissions: parsed, defaulted, and capped by the caller for reusable workflows, as
// GitHub does (a nested job asking for more than its caller grants fails the run). Only `id-token`
// has an effect locally (it decides whether the job can request an OIDC token); all are recorded.
import { describe, type WorkflowNode } from './workflow-node.ts';

export type Access = 'none' | 'read' | 'write';
export type Permissions = Record<string, Access>;

export const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

const RANK: Record<Access, number> = { none: 0, read: 1, write: 2 };

function all(access: Access): Permissions {
  const out: Permissions = {};
  for (const s of SCOPES) out[s] = s === 'id-token' && access === 'read' ? 'none' : access;
  return out;
}

/** The default when no `permissions:` is set: GitHub's restricted default. */
export function defaultPermissions(): Permissions {
  return { ...all('none'), contents: 'read', packages: 'read' };
}

export function parsePermissions(node: WorkflowNode, where: string): Permissions {
  if (node.kind === 'literal' && typeof node.value === 'string') {
    if (node.value === 'read-all') return all('read');
    if (node.value === 'write-all') return all('write');
    throw new Error(`${where}: '${node.value}' is not read-all, write-all or a mapping`);
  }
  if (node.kind !== 'map')
    throw new Error(`${where}: expected read-all, write-all or a mapping, got ${describe(node)}`);
  const out = all('none');
  for (const e of node.entries) {
    if (!(SCOPES as readonly string[]).includes(e.key)) throw new Error(`${where}: unknown permission '${e.key}'`);
    const value = e.value.kind === 'literal' ? e.value.value : undefined;
    if (value !== 'read' && value !== 'write' && value !== 'none') {
      throw new Error(`${where}.${e.key}: expected read, write or none, got ${describe(e.value)}`);
    }
    out[e.key] = value;
  }
  return out;
}

/** Throws when `wanted` asks for more than `ceiling` grants (GitHub's nested-job check). */
export function checkWithin(wanted: Permissions, ceiling: Permissions, jobId: string): void {
  for (const [scope, access] of Object.entries(wanted)) {
    const allowed = ceiling[scope] ?? 'none';
    if (RANK[access] > RANK[allowed]) {
      throw new Error(
        `the nested job '${jobId}' is requesting '${scope}: ${access}', but is only allowed '${scope}: ${allowed}' by its caller`,
      );
    }
  }
}

export function grants(permissions: Permissions, scope: string, access: Access): boolean {
  return RANK[permissions[scope] ?? 'none'] >= RANK[access];
}

/** Only the scopes that grant something, for logs and the summary. */
export function compact(permissions: Permissions): Record<string, Access> {
  return Object.fromEntries(Object.entries(permissions).filter(([, a]) => a !== 'none'));
}
