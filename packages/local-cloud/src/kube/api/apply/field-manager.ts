// Who owns which field, through the two operations of structured-merge-diff's merge.Updater:
//  - Apply (Updater.Apply): the applied configuration is merged onto the live object; the
//    applier's set becomes exactly the fields of its configuration; fields it applied last time
//    and no longer does are removed unless another manager owns them (prune); changing a field
//    another manager owns is a conflict, unless forced, which moves the field to the applier.
//  - Update (Updater.Update, every other write): the writer takes every field it added or
//    changed, from whoever owned it, and fields it removed leave every set.
// As in managedfields' skipNonAppliedManager, an object without managedFields stays untracked
// through updates (the caller skips updateManagers then), and its first apply first records all its fields as owned by an Update
// manager "before-first-apply", so that the applier conflicts with what it would change.
import type { Schema } from '../schema.ts';
import { applyConflict, type Conflict } from './conflicts.ts';
import type { FieldPath } from './field-path.ts';
import { FieldSet } from './field-set.ts';
import { type ManagerEntry, managerId } from './managed-fields.ts';
import { mergeApplied } from './merge.ts';
import { fieldsToRemove, removeFields } from './prune.ts';
import { compareFields, type TypedFields, toFieldSet, typedFields } from './typed-fields.ts';

type Obj = Record<string, unknown>;

/** Fields no manager owns (stripMetaManager) plus those the endpoint resets (status, spec). */
export const STRIPPED_FIELDS: readonly FieldPath[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => ['f:metadata', `f:${f}`]),
];

export interface Scope {
  schema: Schema;
  /** fields this endpoint does not track (stripped metadata, status on the main resource) */
  ignored: readonly FieldPath[];
  /** when set, only fields under this path are tracked (the status and scale subresources) */
  only?: FieldPath;
}

function under(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.every((e, i) => path[i] === e);
}

function fieldsOf(scope: Scope, value: unknown): TypedFields {
  const all = typedFields(scope.schema, value);
  const keep = toFieldSet(all).without(scope.ignored);
  for (const [key, entry] of all) {
    if (!keep.has(entry.path) || (scope.only && !under(entry.path, scope.only))) all.delete(key);
  }
  return all;
}

export const BEFORE_FIRST_APPLY = 'before-first-apply';

export interface UpdateInput {
  scope: Scope;
  /** undefined on create */
  live: Obj | undefined;
  next: Obj;
  managers: ManagerEntry[];
  writer: { manager: string; apiVersion: string; subresource?: string; time?: string };
}

export function updateManagers(input: UpdateInput): ManagerEntry[] {
  const { scope, live, next, writer } = input;
  const cmp = compareFields(fieldsOf(scope, live ?? {}), fieldsOf(scope, next));
  const changed = cmp.modified.union(cmp.added);
  const id = managerId({ ...writer, operation: 'Update' });
  const previous = input.managers.find((m) => managerId(m) === id);
  const out: ManagerEntry[] = [];
  for (const m of input.managers) {
    if (m === previous) continue;
    const fields = m.fields.difference(changed).difference(cmp.removed);
    if (!fields.isEmpty()) out.push({ ...m, fields });
  }
  const fields = (previous?.fields ?? new FieldSet()).difference(cmp.removed).union(changed);
  if (!fields.isEmpty()) {
    out.push({
      manager: writer.manager,
      operation: 'Update',
      apiVersion: writer.apiVersion,
      ...(writer.time ? { time: writer.time } : {}),
      ...(writer.subresource ? { subresource: writer.subresource } : {}),
      fields,
    });
  }
  return out;
}

export interface ApplyInput {
  scope: Scope;
  /** undefined when the apply creates the object */
  live: Obj | undefined;
  config: Obj;
  managers: ManagerEntry[];
  applier: { manager: string; apiVersion: string; time: string };
  force: boolean;
}

export interface ApplyOutput {
  object: Obj;
  managers: ManagerEntry[];
}

export function applyManagers(input: ApplyInput): ApplyOutput {
  const { scope, config, applier, force } = input;
  const live = input.live ?? {};
  let managers = input.managers;
  if (input.live !== undefined && managers.length === 0) {
    managers = updateManagers({
      scope,
      live: undefined,
      next: live,
      managers: [],
      writer: { manager: BEFORE_FIRST_APPLY, apiVersion: applier.apiVersion },
    });
  }
  const id = managerId({ ...applier, operation: 'Apply' });
  const previous = managers.find((m) => managerId(m) === id);
  const applied: ManagerEntry = {
    manager: applier.manager,
    operation: 'Apply',
    apiVersion: applier.apiVersion,
    time: applier.time,
    fields: toFieldSet(fieldsOf(scope, config)),
  };
  const others = managers.filter((m) => m !== previous);
  const merged = mergeApplied(scope.schema, live, config) as Obj;
  if (previous) {
    const ownedAfter = others.reduce((set, m) => set.union(m.fields), applied.fields);
    removeFields(scope.schema, merged, fieldsToRemove(previous.fields, ownedAfter), ownedAfter);
  }
  const cmp = compareFields(fieldsOf(scope, live), fieldsOf(scope, merged));
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflict[] = [];
  for (const m of others) {
    for (const path of m.fields.intersection(changed).members()) conflicts.push({ manager: m, path });
  }
  if (conflicts.length > 0 && !force) throw applyConflict(conflicts);
  const out: ManagerEntry[] = [];
  for (const m of others) {
    const fields = m.fields.difference(changed).difference(cmp.removed);
    if (!fields.isEmpty()) out.push({ ...m, fields });
  }
  if (!applied.fields.isEmpty()) out.push(applied);
  return { object: merged, managers: out };
}
