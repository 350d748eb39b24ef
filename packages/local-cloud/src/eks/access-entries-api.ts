// EKS access entries over the EKS API (REST-JSON, EKS API reference): CreateAccessEntry,
// DescribeAccessEntry, UpdateAccessEntry, DeleteAccessEntry, ListAccessEntries,
// AssociateAccessPolicy, ListAssociatedAccessPolicies, DisassociateAccessPolicy, and the tags of
// an entry, on the cluster's AccessEntries (what the Kubernetes authenticator and authorizer read).
import { randomUUID } from 'node:crypto';
import {
  type AccessEntries,
  type AccessEntry,
  type AccessPolicyAssociation,
  type AccessScope,
  validateAccessEntry,
} from '../kube/auth/access-entries.ts';
import { ACCESS_POLICY_ROLES } from '../kube/auth/bootstrap-policy.ts';

export class AccessEntryApiError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, status: number, message: string) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export interface AccessEntryRoute {
  /** the EKS action, for authorization (`eks:<action>`) */
  action: string;
  /** the resource authorized: the cluster's ARN, or the access entry's */
  resource: string;
  run(body: Record<string, unknown>, query: URLSearchParams): unknown;
}

const PRINCIPAL = /^arn:aws[\w-]*:iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const seconds = (d: Date | undefined) => (d ?? new Date(0)).getTime() / 1000;

function invalid(message: string): AccessEntryApiError {
  return new AccessEntryApiError('InvalidParameterException', 400, message);
}

function stringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${name} must be a list of strings`);
  return v as string[];
}

function tagMap(body: Record<string, unknown>): Record<string, string> | undefined {
  const v = body.tags;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw invalid('tags must be a map of strings');
  }
  return { ...(v as Record<string, string>) };
}

/**
 * The access-entry route for a method and path under one cluster, or undefined when the path is
 * not an access-entry path. `now` stamps createdAt/modifiedAt/associatedAt.
 */
export function accessEntryRoute(options: {
  entries: AccessEntries;
  cluster: { name: string; arn: string };
  region: string;
  accountId: string;
  method: string;
  /** path segments after /clusters/<name>/ (decoded) */
  rest: string[];
  now: () => Date;
}): AccessEntryRoute | undefined {
  const { entries, cluster, method, rest, now } = options;
  if (rest[0] !== 'access-entries') return undefined;
  const entryArn = (principal: string) => {
    const m = PRINCIPAL.exec(principal);
    return `arn:aws:eks:${options.region}:${options.accountId}:access-entry/${cluster.name}/${m?.[2] ?? 'role'}/${m?.[1] ?? options.accountId}/${m?.[3] ?? ''}/${randomUUID()}`;
  };
  const require = (principal: string): AccessEntry => {
    const entry = entries.get(principal);
    if (!entry) {
      throw new AccessEntryApiError(
        'ResourceNotFoundException',
        404,
        `The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.`,
      );
    }
    return entry;
  };
  const view = (e: AccessEntry) => ({
    clusterName: cluster.name,
    principalArn: e.principalArn,
    kubernetesGroups: e.kubernetesGroups ?? [],
    accessEntryArn: e.accessEntryArn ?? '',
    createdAt: seconds(e.createdAt),
    modifiedAt: seconds(e.modifiedAt),
    tags: e.tags ?? {},
    username: e.username ?? defaultUsername(e.principalArn),
    type: e.type ?? 'STANDARD',
  });
  const association = (p: NonNullable<AccessEntry['accessPolicies']>[number]) => ({
    policyArn: p.policyArn,
    accessScope: { type: p.accessScope.type, namespaces: p.accessScope.namespaces ?? [] },
    associatedAt: seconds(p.associatedAt),
    modifiedAt: seconds(p.modifiedAt),
  });
  const save = (e: AccessEntry) => {
    try {
      entries.set(e);
    } catch (error) {
      throw invalid(error instanceof Error ? error.message : String(error));
    }
  };

  if (rest.length === 1) {
    if (method === 'GET') {
      return {
        action: 'ListAccessEntries',
        resource: cluster.arn,
        run: () => ({ accessEntries: entries.list().map((e) => e.principalArn) }),
      };
    }
    if (method !== 'POST') return undefined;
    return {
      action: 'CreateAccessEntry',
      resource: cluster.arn,
      run: (body) => {
        const principalArn = body.principalArn;
        if (typeof principalArn !== 'string' || principalArn === '') throw invalid('principalArn is required');
        if (!PRINCIPAL.test(principalArn)) {
          throw invalid(`The principalArn parameter format is not valid: ${principalArn}`);
        }
        const type = body.type ?? 'STANDARD';
        if (type !== 'STANDARD') {
          throw invalid(`The type ${String(type)} is not supported by the local EKS; only STANDARD is`);
        }
        if (entries.get(principalArn)) {
          throw new AccessEntryApiError(
            'ResourceInUseException',
            409,
            'The specified access entry resource is already in use on this cluster.',
          );
        }
        const username = body.username;
        if (username !== undefined && typeof username !== 'string') throw invalid('username must be a string');
        const at = now();
        const entry: AccessEntry = {
          principalArn,
          kubernetesGroups: stringList(body, 'kubernetesGroups') ?? [],
          accessPolicies: [],
          type: 'STANDARD',
          tags: tagMap(body) ?? {},
          accessEntryArn: entryArn(principalArn),
          createdAt: at,
          modifiedAt: at,
          ...(typeof username === 'string' ? { username } : {}),
        };
        try {
          validateAccessEntry(entry);
        } catch (error) {
          throw invalid(error instanceof Error ? error.message : String(error));
        }
        save(entry);
        return { accessEntry: view(entry) };
      },
    };
  }

  const principal = rest[1] ?? '';
  if (rest.length === 2) {
    const resource = () => entries.get(principal)?.accessEntryArn ?? cluster.arn;
    if (method === 'GET') {
      return {
        action: 'DescribeAccessEntry',
        resource: resource(),
        run: () => ({ accessEntry: view(require(principal)) }),
      };
    }
    if (method === 'POST') {
      return {
        action: 'UpdateAccessEntry',
        resource: resource(),
        run: (body) => {
          const entry = require(principal);
          const groups = stringList(body, 'kubernetesGroups');
          if (groups !== undefined) entry.kubernetesGroups = groups;
          if (typeof body.username === 'string') entry.username = body.username;
          entry.modifiedAt = now();
          save(entry);
          return { accessEntry: view(entry) };
        },
      };
    }
    if (method === 'DELETE') {
      return {
        action: 'DeleteAccessEntry',
        resource: resource(),
        run: () => {
          require(principal);
          entries.delete(principal);
          return {};
        },
      };
    }
    return undefined;
  }

  if (rest[2] !== 'access-policies') return undefined;
  const resource = entries.get(principal)?.accessEntryArn ?? cluster.arn;
  if (rest.length === 3 && method === 'GET') {
    return {
      action: 'ListAssociatedAccessPolicies',
      resource,
      run: () => ({
        clusterName: cluster.name,
        principalArn: principal,
        associatedAccessPolicies: (require(principal).accessPolicies ?? []).map(association),
      }),
    };
  }
  if (rest.length === 3 && method === 'POST') {
    return {
      action: 'AssociateAccessPolicy',
      resource,
      run: (body) => {
        const entry = require(principal);
        const policyArn = body.policyArn;
        if (typeof policyArn !== 'string' || !(policyArn in ACCESS_POLICY_ROLES)) {
          throw new AccessEntryApiError(
            'ResourceNotFoundException',
            404,
            `The specified policyArn ${String(policyArn)} could not be found.`,
          );
        }
        const scope = body.accessScope as { type?: unknown; namespaces?: unknown } | undefined;
        if (!scope || (scope.type !== 'cluster' && scope.type !== 'namespace')) {
          throw invalid('accessScope.type must be cluster or namespace');
        }
        const namespaces = stringList(scope as Record<string, unknown>, 'namespaces') ?? [];
        if (scope.type === 'cluster' && namespaces.length > 0) {
          throw invalid('accessScope: namespaces are not allowed with type cluster');
        }
        if (scope.type === 'namespace' && namespaces.length === 0) {
          throw invalid('accessScope: type namespace needs at least one namespace');
        }
        const at = now();
        const existing = (entry.accessPolicies ?? []).find((p) => p.policyArn === policyArn);
        const accessScope: AccessScope =
          scope.type === 'namespace' ? { type: 'namespace', namespaces } : { type: 'cluster' };
        const next: AccessPolicyAssociation = {
          policyArn,
          accessScope,
          associatedAt: existing?.associatedAt ?? at,
          modifiedAt: at,
        };
        entry.accessPolicies = [...(entry.accessPolicies ?? []).filter((p) => p.policyArn !== policyArn), next];
        save(entry);
        return { clusterName: cluster.name, principalArn: principal, associatedAccessPolicy: association(next) };
      },
    };
  }
  if (rest.length === 4 && method === 'DELETE') {
    const policyArn = rest[3] ?? '';
    return {
      action: 'DisassociateAccessPolicy',
      resource,
      run: () => {
        const entry = require(principal);
        if (!(entry.accessPolicies ?? []).some((p) => p.policyArn === policyArn)) {
          throw new AccessEntryApiError(
            'ResourceNotFoundException',
            404,
            `The specified policyArn ${policyArn} is not associated with the principalArn ${principal}.`,
          );
        }
        entry.accessPolicies = (entry.accessPolicies ?? []).filter((p) => p.policyArn !== policyArn);
        save(entry);
        return {};
      },
    };
  }
  return undefined;
}

function defaultUsername(principalArn: string): string {
  const m = PRINCIPAL.exec(principalArn);
  return m?.[2] === 'role' ? `arn:aws:sts::${m[1]}:assumed-role/${m[3]}/{{SessionName}}` : principalArn;
}

/**
 * TagResource, UntagResource and ListTagsForResource (`/tags/<arn>`) for an access entry's ARN.
 * Other ARNs (the cluster's) are refused: the local EKS keeps no tags for them.
 */
export function accessEntryTagsRoute(options: {
  entries: AccessEntries;
  method: string;
  resourceArn: string;
  now: () => Date;
}): AccessEntryRoute | undefined {
  const { entries, method, resourceArn } = options;
  const find = (): AccessEntry => {
    const entry = entries.list().find((e) => e.accessEntryArn === resourceArn);
    if (!entry) {
      throw new AccessEntryApiError(
        'NotFoundException',
        404,
        `Resource ${resourceArn} not found (the local EKS keeps tags for access entries only)`,
      );
    }
    return entry;
  };
  if (method === 'GET') {
    return { action: 'ListTagsForResource', resource: resourceArn, run: () => ({ tags: find().tags ?? {} }) };
  }
  if (method === 'POST') {
    return {
      action: 'TagResource',
      resource: resourceArn,
      run: (body) => {
        const entry = find();
        const added = tagMap(body);
        if (added === undefined || Object.keys(added).length === 0) throw invalid('tags must name at least one tag');
        const tags = { ...(entry.tags ?? {}), ...added };
        if (Object.keys(tags).length > 50) {
          throw new AccessEntryApiError('BadRequestException', 400, 'A resource can have at most 50 tags.');
        }
        entries.set({ ...entry, tags });
        return {};
      },
    };
  }
  if (method === 'DELETE') {
    return {
      action: 'UntagResource',
      resource: resourceArn,
      run: (_body, query) => {
        const entry = find();
        const keys = query.getAll('tagKeys');
        if (keys.length === 0) throw invalid('tagKeys must name at least one tag key');
        const tags = Object.fromEntries(Object.entries(entry.tags ?? {}).filter(([k]) => !keys.includes(k)));
        entries.set({ ...entry, tags });
        return {};
      },
    };
  }
  return undefined;
}
