// The applied configuration merged onto the live object, as structured-merge-diff's
// TypedValue.Merge does: structs and maps merge field by field, associative lists element by
// element on their key (live elements the configuration does not name stay where they are,
// new ones follow), sets take the union, and atomic lists and scalars take the applied value.
// What the applier stopped applying is removed afterwards (prune.ts), not here.
import type { Schema } from '../schema.ts';

type Json = unknown;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeApplied(schema: Schema | undefined, live: Json, config: Json): Json {
  if (config === undefined) return structuredClone(live);
  if (!schema || schema.t === 'any' || schema.t === 'object' || schema.t === 'map') {
    if (!isObject(config) || (schema?.t === 'object' && schema.atomic)) return structuredClone(config);
    const out: Record<string, unknown> = isObject(live) ? structuredClone(live) : {};
    for (const [k, v] of Object.entries(config)) {
      const child = !schema || schema.t === 'any' ? undefined : schema.t === 'map' ? schema.values : schema.fields[k];
      out[k] = mergeApplied(child, out[k], v);
    }
    return out;
  }
  if (schema.t !== 'array' || !Array.isArray(config)) return structuredClone(config);
  const current = Array.isArray(live) ? live : [];
  const { mergeKey } = schema;
  if (mergeKey) {
    const out = current.map((item) => structuredClone(item));
    const keyOf = (item: unknown) => (isObject(item) ? JSON.stringify(item[mergeKey]) : undefined);
    for (const item of config) {
      const index = out.findIndex((o) => keyOf(o) === keyOf(item));
      if (index >= 0) out[index] = mergeApplied(schema.items, out[index], item);
      else out.push(mergeApplied(schema.items, undefined, item));
    }
    return out;
  }
  if (schema.mergePrimitives) {
    const seen = new Set(current.map((v) => JSON.stringify(v)));
    return [...current.map((v) => structuredClone(v)), ...config.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  return structuredClone(config);
}
