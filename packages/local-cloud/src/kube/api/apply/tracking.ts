// Field ownership for the writes that are not apply (POST, PUT, JSON/merge/strategic patches,
// the status and scale subresources), as managedfields' FieldManager.UpdateNoErrors records it:
// the managedFields a request sends replace the stored ones when they decode and are not empty
// (decodeLiveOrNew; `[{}]` clears them), otherwise the stored ones carry on; an existing object
// without managedFields stays untracked (skipNonAppliedManager); the writer is recorded as an
// `Update` manager at the API version of the endpoint. The manager name is the request's
// `fieldManager`, or else the User-Agent up to its first `/` (prefixFromUserAgent).
import type { ResourceDef } from '../resources.ts';
import type { Obj } from '../store.ts';
import { type Scope, STRIPPED_FIELDS, updateManagers } from './field-manager.ts';
import type { FieldPath } from './field-path.ts';
import {
  decodeManagedFields,
  encodeManagedFields,
  isResetManagedFields,
  type ManagerEntry,
  managerId,
} from './managed-fields.ts';

export type Endpoint = 'main' | 'status' | 'scale';

const SPEC_REPLICAS: FieldPath = ['f:spec', 'f:replicas'];

/** What an endpoint's writes track: the main resource leaves status alone, `status` only status. */
export function scopeOf(def: ResourceDef, endpoint: Endpoint): Scope {
  if (endpoint === 'main') {
    return {
      schema: def.schema,
      ignored: def.statusSubresource ? [...STRIPPED_FIELDS, ['f:status']] : STRIPPED_FIELDS,
    };
  }
  const keep: FieldPath = endpoint === 'status' ? ['f:status'] : SPEC_REPLICAS;
  return { schema: def.schema, ignored: STRIPPED_FIELDS, only: keep };
}

export function managerFromUserAgent(userAgent: string | undefined): string {
  return (userAgent ?? '').split('/')[0]?.slice(0, 128) ?? '';
}

function decodeOr(value: unknown, fallback: ManagerEntry[]): ManagerEntry[] {
  try {
    const decoded = decodeManagedFields(value);
    return decoded.length > 0 ? decoded : fallback;
  } catch {
    return fallback;
  }
}

/** The managers a write starts from (decodeLiveOrNew). */
export function baseManagers(live: Obj | undefined, incoming: Obj): ManagerEntry[] {
  const sent = (incoming.metadata as Obj | undefined)?.managedFields;
  if (isResetManagedFields(sent)) return [];
  const stored = live ? decodeOr((live.metadata as Obj | undefined)?.managedFields, []) : [];
  return decodeOr(sent, stored);
}

export interface Writer {
  manager: string;
  apiVersion: string;
  time: string;
}

/** Sets `next.metadata.managedFields` for a non-apply write by `writer` through `endpoint`. */
export function recordUpdate(
  def: ResourceDef,
  endpoint: Endpoint,
  live: Obj | undefined,
  next: Obj,
  writer: Writer,
): void {
  const meta = next.metadata as Obj;
  const base = baseManagers(live, next);
  if (live !== undefined && base.length === 0) {
    delete meta.managedFields;
    return;
  }
  const managers = updateManagers({
    scope: scopeOf(def, endpoint),
    live,
    next,
    managers: base,
    writer: {
      manager: writer.manager,
      apiVersion: writer.apiVersion,
      // the scale handler records its entries without a time (managedfields ScaleHandler.ToParent)
      ...(endpoint === 'scale' ? {} : { time: writer.time }),
      ...(endpoint === 'main' ? {} : { subresource: endpoint }),
    },
  });
  setManagedFields(next, keepTimesWhenUnchanged(live, next, managers));
}

export function setManagedFields(object: Obj, managers: readonly ManagerEntry[]): void {
  const meta = object.metadata as Obj;
  if (managers.length === 0) delete meta.managedFields;
  else meta.managedFields = encodeManagedFields(managers);
}

function withoutManagedFields(o: Obj | undefined): string {
  if (!o) return '';
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = (o.metadata ?? {}) as Obj;
  return JSON.stringify({ ...o, metadata: meta });
}

/**
 * A write that changes neither the object nor who owns what keeps the stored timestamps, so it
 * stays a no-op with the same resourceVersion (IgnoreManagedFieldsTimestampsTransformer).
 */
export function keepTimesWhenUnchanged(live: Obj | undefined, next: Obj, managers: ManagerEntry[]): ManagerEntry[] {
  if (!live || withoutManagedFields(live) !== withoutManagedFields(next)) return managers;
  const before = decodeOr((live.metadata as Obj | undefined)?.managedFields, []);
  if (before.length !== managers.length) return managers;
  const same = managers.every((m) => {
    const old = before.find((b) => managerId(b) === managerId(m));
    return old?.fields.equals(m.fields) === true;
  });
  if (!same) return managers;
  return managers.map((m) => {
    const old = before.find((b) => managerId(b) === managerId(m));
    return old?.time ? { ...m, time: old.time } : m;
  });
}
