// Moving field ownership from the managers of earlier, non-apply writes to a server-side apply
// manager, as kubectl's csaupgrade.UpgradeManagedFieldsPatch does for kubectl-client-side-apply
// (k8s.io/client-go/util/csaupgrade): the Update entries of the named managers are folded into
// the applier's Apply entry and removed, in one JSON patch that tests the resourceVersion.
//
// Why: a first forced apply takes only the fields whose value it changes; every field it applies
// with the value already there stays co-owned by the old manager, and a field co-owned is never
// removed when the manifest drops it. After the upgrade the applier owns all of it, so the next
// apply removes what its manifest no longer says (an env var, a port, an annotation).
//
// API
//   upgradeManagedFields(client, target, { fieldManager, legacyManagers, signal? }):
//       Promise<boolean>
//     target: { apiVersion, kind, metadata: { name, namespace? } } (a KIND_RESOURCES kind).
//     Returns false (and writes nothing) when the object does not exist or has no `Update`
//     entry of `legacyManagers`; true after the patch. A concurrent write makes the patch fail
//     with KubeApiError 422 (the resourceVersion test), leaving the object as it was.
//   mergeFieldsV1(a, b): the union of two FieldsV1 sets.
import type { KubeClient } from './client.ts';
import { PatchType } from './client.ts';
import { KubeApiError } from './errors.ts';
import { apiVersionOf, KIND_RESOURCES, resourcePath } from './resource-path.ts';
import { checkFieldManager } from './server-side-apply.ts';

export type FieldsV1 = { [element: string]: FieldsV1 };

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldsV1;
  subresource?: string;
}

function isLeaf(f: FieldsV1): boolean {
  return Object.keys(f).length === 0;
}

/** Union of two FieldsV1 sets: a member in either stays a member (`.` when it has children). */
export function mergeFieldsV1(a: FieldsV1, b: FieldsV1): FieldsV1 {
  const out: FieldsV1 = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    if (x === undefined || y === undefined) {
      out[key] = structuredClone((x ?? y) as FieldsV1);
      continue;
    }
    const merged = mergeFieldsV1(x, y);
    const member = isLeaf(x) || isLeaf(y) || '.' in x || '.' in y;
    out[key] = member && !isLeaf(merged) ? { '.': {}, ...merged } : merged;
  }
  return out;
}

export interface UpgradeOptions {
  /** The server-side apply manager that takes the fields (e.g. `bakeline`). */
  fieldManager: string;
  /** Managers of earlier non-apply writes whose fields it takes (e.g. `bakeline-eks-promote`). */
  legacyManagers: readonly string[];
  signal?: AbortSignal;
}

export async function upgradeManagedFields(
  client: KubeClient,
  target: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
  options: UpgradeOptions,
): Promise<boolean> {
  checkFieldManager(options.fieldManager);
  const resource = KIND_RESOURCES[target.kind];
  if (!resource || apiVersionOf(resource) !== target.apiVersion) {
    throw new Error(`managedFields upgrade: ${target.apiVersion}/${target.kind} is not a supported kind`);
  }
  const path = resourcePath(resource, target.metadata.namespace, target.metadata.name);
  const signal = options.signal ? { signal: options.signal } : {};
  let live: { metadata?: { resourceVersion?: string; managedFields?: ManagedFieldsEntry[] } };
  try {
    live = await client.request('GET', path, signal);
  } catch (error: unknown) {
    if (error instanceof KubeApiError && error.status === 404) return false;
    throw error;
  }
  const entries = live.metadata?.managedFields ?? [];
  const legacy = new Set(options.legacyManagers);
  const isLegacy = (e: ManagedFieldsEntry) =>
    e.operation === 'Update' && !e.subresource && e.manager !== undefined && legacy.has(e.manager);
  const isApplier = (e: ManagedFieldsEntry) => e.operation === 'Apply' && e.manager === options.fieldManager;
  const taken = entries.filter(isLegacy);
  if (taken.length === 0) return false;
  const applier = entries.find(isApplier);
  const fields = [...taken, ...(applier ? [applier] : [])].reduce<FieldsV1>(
    (set, e) => mergeFieldsV1(set, e.fieldsV1 ?? {}),
    {},
  );
  const upgraded: ManagedFieldsEntry = {
    manager: options.fieldManager,
    operation: 'Apply',
    apiVersion: target.apiVersion,
    time: `${new Date().toISOString().slice(0, 19)}Z`,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  };
  const rest = entries.filter((e) => !isLegacy(e) && !isApplier(e));
  await client.request('PATCH', path, {
    body: [
      { op: 'test', path: '/metadata/resourceVersion', value: live.metadata?.resourceVersion },
      { op: 'replace', path: '/metadata/managedFields', value: [upgraded, ...rest] },
    ],
    contentType: PatchType.json,
    ...signal,
  });
  return true;
}
