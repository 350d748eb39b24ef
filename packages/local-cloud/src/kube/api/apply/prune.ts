// Removing the fields an applier stopped applying (merge.Updater.prune of structured-merge-diff):
// a member of the applier's previous set goes when no manager, the applier included, owns it or
// anything below it any more. A removed list element goes whole; a struct field left empty by a
// removal (an object without fields, a list without elements) goes too unless someone owns
// something under it (SMD treats named fields as members: EnsureNamedFieldsAreMembers).
// Fields nobody ever owned (defaults, fields set before managedFields existed) stay.
import type { Schema } from '../schema.ts';
import type { FieldPath } from './field-path.ts';
import type { FieldSet } from './field-set.ts';
import { typedFields } from './typed-fields.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The members of `previous` to remove, given everything owned after the apply. */
export function fieldsToRemove(previous: FieldSet, ownedAfter: FieldSet): FieldPath[] {
  return previous.members().filter((p) => !ownedAfter.covers(p));
}

/** Removes `paths` from `value` (in place) and the structs they leave empty; returns `value`. */
export function removeFields(
  schema: Schema,
  value: Record<string, unknown>,
  paths: readonly FieldPath[],
  ownedAfter: FieldSet,
): Record<string, unknown> {
  for (const path of paths) removePath(schema, value, path, 0, ownedAfter);
  return value;
}

function elementsOf(schema: Schema | undefined, list: unknown[]): string[] {
  const fields = typedFields(schema, list);
  // the first element of each member path is the element of the list itself
  const byIndex: string[] = [];
  for (const entry of fields.values()) {
    const first = entry.path[0];
    if (entry.path.length === 1 && first !== undefined) byIndex.push(first);
  }
  return byIndex;
}

function removePath(
  schema: Schema | undefined,
  node: unknown,
  path: FieldPath,
  depth: number,
  ownedAfter: FieldSet,
): void {
  const element = path[depth];
  if (element === undefined) return;
  const last = depth === path.length - 1;
  if (isObject(node) && element.startsWith('f:')) {
    const name = element.slice(2);
    if (!(name in node)) return;
    const child =
      !schema || schema.t === 'any'
        ? undefined
        : schema.t === 'object'
          ? schema.fields[name]
          : schema.t === 'map'
            ? schema.values
            : undefined;
    if (last) {
      delete node[name];
      return;
    }
    const before = node[name];
    removePath(child, before, path, depth + 1, ownedAfter);
    const isStruct = schema?.t === 'object';
    const empty =
      (isObject(before) && Object.keys(before).length === 0) || (Array.isArray(before) && before.length === 0);
    if (isStruct && empty && !ownedAfter.covers(path.slice(0, depth + 1))) {
      delete node[name];
    }
    return;
  }
  if (Array.isArray(node) && schema?.t === 'array') {
    const elements = elementsOf(schema, node);
    const index = elements.indexOf(element);
    if (index < 0) return;
    if (last) node.splice(index, 1);
    else removePath(schema.items, node[index], path, depth + 1, ownedAfter);
  }
}
