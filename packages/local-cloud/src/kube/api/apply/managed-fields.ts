// metadata.managedFields as kube-apiserver encodes it (k8s.io/apimachinery/pkg/util/managedfields
// internal/managedfieldsencoder... fieldmanager): one entry per manager, identified by manager
// name, operation, subresource, and for `Update` the apiVersion (BuildManagerIdentifier: an
// applier keeps one identity across versions); entries sorted by operation (Apply before
// Update), time, manager, apiVersion, subresource (sortEncodedManagedFields).
import { FieldSet } from './field-set.ts';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/** The identity two entries share when they are the same manager. */
export function managerId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({
    manager: e.manager,
    operation: e.operation,
    ...(e.operation === 'Update' ? { apiVersion: e.apiVersion } : {}),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  });
}

/** How a conflict message names a manager (internal/conflict.go printManager). */
export function printManager(e: ManagerEntry): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') out += ` using ${e.apiVersion}`;
  return out;
}

export class ManagedFieldsError extends Error {}

/** Decodes metadata.managedFields; throws ManagedFieldsError on an entry that is not valid. */
export function decodeManagedFields(value: unknown): ManagerEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ManagedFieldsError('managedFields must be a list');
  return value.map((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      throw new ManagedFieldsError(
        `error decoding managed fields entry ${i}: unknown operation "${String(e.operation)}"`,
      );
    }
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') {
      throw new ManagedFieldsError(
        `error decoding managed fields entry ${i}: unknown fieldsType "${String(e.fieldsType)}"`,
      );
    }
    return {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      ...(typeof e.subresource === 'string' && e.subresource !== '' ? { subresource: e.subresource } : {}),
      fields: FieldSet.fromFieldsV1(e.fieldsV1),
    };
  });
}

/** `[{}]`: the request asks to clear managedFields (isResetManagedFields). */
export function isResetManagedFields(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 1 &&
    typeof value[0] === 'object' &&
    value[0] !== null &&
    Object.keys(value[0] as object).length === 0
  );
}

export function encodeManagedFields(entries: readonly ManagerEntry[]): Record<string, unknown>[] {
  const sorted = [...entries].sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ? Date.parse(p.time) / 1000 : 0;
    const qt = q.time ? Date.parse(q.time) / 1000 : 0;
    if (pt !== qt) return pt - qt;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
  return sorted.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: e.fields.toFieldsV1(),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}
