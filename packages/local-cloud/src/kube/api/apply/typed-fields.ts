// The fields of a value under a schema, as structured-merge-diff's ToFieldSet walks them
// (typed/tofieldset.go): every scalar is a member; an atomic list is one member; every element
// of an associative list (`k:`) or set (`v:`) is a member, and so is every entry of a map
// (labels, annotations, limits); struct fields are members only through what lies below them,
// except atomic structs (a label selector), which are one member.
// Parts typed `any` are walked as SMD walks a deduced type: objects as maps, lists as atomic.
// Compare (typed/compare.go) says which members a write added, modified or removed.
import type { Schema } from '../schema.ts';
import { type FieldPath, fieldElement, keyElement, pathString, valueElement } from './field-path.ts';
import { FieldSet } from './field-set.ts';

export interface FieldEntry {
  path: FieldPath;
  /** the value as JSON, for members that are leaves (scalars, atomic lists) */
  leaf?: string;
}

export type TypedFields = Map<string, FieldEntry>;

/** A value that cannot be walked (an associative list element without its key). */
export class TypedValueError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function insert(out: TypedFields, path: FieldPath, value: unknown, atomic = false): void {
  const leaf = isObject(value) && !atomic ? undefined : JSON.stringify(value);
  out.set(path.join('\u0000'), { path: [...path], ...(leaf !== undefined ? { leaf } : {}) });
}

export function typedFields(schema: Schema | undefined, value: unknown): TypedFields {
  const out: TypedFields = new Map();
  walk(schema, value, [], out);
  return out;
}

function walk(schema: Schema | undefined, value: unknown, path: FieldPath, out: TypedFields): void {
  if (value === null || value === undefined) return;
  if (!schema || schema.t === 'any') {
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        const child = [...path, fieldElement(k)];
        walk(undefined, v, child, out);
        insert(out, child, v);
      }
    } else if (path.length > 0) {
      insert(out, path, value);
    }
    return;
  }
  switch (schema.t) {
    case 'object':
      if (!isObject(value)) return;
      if (schema.atomic) {
        insert(out, path, value, true);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        const field = schema.fields[k];
        if (field) walk(field, v, [...path, fieldElement(k)], out);
      }
      return;
    case 'map':
      if (!isObject(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const child = [...path, fieldElement(k)];
        walk(schema.values, v, child, out);
        insert(out, child, v);
      }
      return;
    case 'array': {
      if (!Array.isArray(value)) return;
      const { mergeKey } = schema;
      if (mergeKey) {
        value.forEach((item, i) => {
          if (!isObject(item) || item[mergeKey] === undefined || item[mergeKey] === null) {
            throw new TypedValueError(
              `${pathString(path)}: element ${i}: associative list with keys has an element that omits key field "${mergeKey}" (and doesn't have default value)`,
            );
          }
          const child = [...path, keyElement({ [mergeKey]: item[mergeKey] })];
          walk(schema.items, item, child, out);
          insert(out, child, item);
        });
      } else if (schema.mergePrimitives) {
        for (const item of value) insert(out, [...path, valueElement(item)], item);
      } else {
        insert(out, path, value);
      }
      return;
    }
    default:
      insert(out, path, value);
  }
}

export function toFieldSet(fields: TypedFields): FieldSet {
  return new FieldSet([...fields.values()].map((e) => e.path));
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from `before` to `after`: new members, leaves with a new value, members gone. */
export function compareFields(before: TypedFields, after: TypedFields): Comparison {
  const added = new FieldSet();
  const modified = new FieldSet();
  const removed = new FieldSet();
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (!old) added.insert(entry.path);
    else if (entry.leaf !== undefined || old.leaf !== undefined) {
      if (entry.leaf !== old.leaf) modified.insert(entry.path);
    }
  }
  for (const [key, entry] of before) if (!after.has(key)) removed.insert(entry.path);
  return { added, modified, removed };
}
