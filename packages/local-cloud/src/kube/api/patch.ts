// The three patch types the API server takes (server-side apply is refused elsewhere):
// RFC 6902 JSON patch, RFC 7386 JSON merge patch, and the strategic merge patch, whose lists
// merge by the key the schema names (containers by name, env by name, ports by containerPort)
// and which understands the directives kubectl sends ($patch, $setElementOrder, $retainKeys,
// $deleteFromPrimitiveList).
import { childSchema, type Schema } from './schema.ts';
import { badRequest, KubeStatusError } from './status.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

// -- JSON merge patch (RFC 7386) --------------------------------------------------------------

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = jsonMergePatch(result[key], value) as Json;
  }
  return result;
}

// -- JSON patch (RFC 6902) --------------------------------------------------------------------

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`the JSON pointer "${pointer}" does not start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function missing(path: string): KubeStatusError {
  // As evanphx/json-patch words it through the API server.
  return new KubeStatusError(422, 'Invalid', `the server rejected our request due to an error in our request`, {
    causes: [{ reason: 'FieldValueInvalid', message: `doc is missing path: "${path}": missing value`, field: path }],
  });
}

function container(doc: Json, tokens: string[], path: string): { parent: Json; key: string } {
  let node: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) throw missing(path);
      node = node[index] as Json;
    } else if (isObject(node) && token in node) {
      node = node[token] as Json;
    } else {
      throw missing(path);
    }
  }
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const { parent, key } = container(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw missing(path);
    return parent[i] as Json;
  }
  if (isObject(parent) && key in parent) return parent[key] as Json;
  throw missing(path);
}

function removeAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  const { parent, key } = container(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw missing(path);
    return parent.splice(i, 1)[0] as Json;
  }
  if (isObject(parent) && key in parent) {
    const old = parent[key] as Json;
    delete parent[key];
    return old;
  }
  throw missing(path);
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = container(doc, tokens, path);
  if (Array.isArray(parent)) {
    if (key === '-' && !replace) {
      parent.push(value);
      return doc;
    }
    const i = Number(key);
    const max = replace ? parent.length - 1 : parent.length;
    if (!Number.isInteger(i) || i < 0 || i > max) throw missing(path);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
    return doc;
  }
  if (!isObject(parent)) throw missing(path);
  if (replace && !(key in parent)) throw missing(path);
  parent[key] = value;
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  let doc = clone(target) as Json;
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`invalid JSON patch operation: ${JSON.stringify(raw)}`);
    }
    const { op, path } = raw;
    switch (op) {
      case 'add':
        if (!('value' in raw)) throw badRequest(`JSON patch "add" at ${path}: missing value`);
        doc = addAt(doc, path, clone(raw.value) as Json, false);
        break;
      case 'replace':
        if (!('value' in raw)) throw badRequest(`JSON patch "replace" at ${path}: missing value`);
        doc = addAt(doc, path, clone(raw.value) as Json, true);
        break;
      case 'remove':
        removeAt(doc, path);
        break;
      case 'move': {
        if (typeof raw.from !== 'string') throw badRequest(`JSON patch "move" at ${path}: missing from`);
        const value = removeAt(doc, raw.from);
        doc = addAt(doc, path, value, false);
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw badRequest(`JSON patch "copy" at ${path}: missing from`);
        doc = addAt(doc, path, clone(getAt(doc, raw.from)), false);
        break;
      }
      case 'test': {
        const actual = getAt(doc, path);
        if (JSON.stringify(actual) !== JSON.stringify(raw.value)) {
          throw new KubeStatusError(422, 'Invalid', `the server rejected our request due to an error in our request`, {
            causes: [
              { reason: 'FieldValueInvalid', message: `testing value ${path} failed: test failed`, field: path },
            ],
          });
        }
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

// -- strategic merge patch -------------------------------------------------------------------

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function strategicMergePatch(target: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (!isObject(patch)) throw badRequest('the strategic merge patch is not a JSON object');
  return mergeObject(isObject(target) ? clone(target) : {}, patch, schema);
}

function mergeObject(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const rest = clone(patch);
    delete rest.$patch;
    return rest;
  }
  if (directive === 'delete') return {};
  if (directive !== undefined && directive !== 'merge') {
    throw badRequest(`Unknown patch type: ${String(directive)}`);
  }
  const retain = patch.$retainKeys;
  let result = original;
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    result = Object.fromEntries(Object.entries(original).filter(([k]) => keep.has(k)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        const drop = new Set(value.map((v) => JSON.stringify(v)));
        result[field] = current.filter((v) => !drop.has(JSON.stringify(v)));
      }
      continue;
    }
    const fieldSchema = childSchema(schema, key);
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && fieldSchema?.t !== 'any') {
      const merged = mergeObject(isObject(result[key]) ? (result[key] as JsonObject) : {}, value, fieldSchema);
      if (value.$patch === 'delete') delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value) && fieldSchema?.t === 'array') {
      result[key] = mergeList(Array.isArray(result[key]) ? (result[key] as Json[]) : [], value, fieldSchema);
    } else {
      result[key] = clone(value);
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER) || !Array.isArray(value)) continue;
    const field = key.slice(SET_ORDER.length);
    const fieldSchema = childSchema(schema, field);
    const current = result[field];
    if (Array.isArray(current) && fieldSchema?.t === 'array') {
      result[field] = orderList(current, value, fieldSchema.mergeKey);
    }
  }
  return result;
}

function mergeList(original: Json[], patch: Json[], schema: Extract<Schema, { t: 'array' }>): Json[] {
  const mergeKey = schema.mergeKey;
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(clone);
  }
  if (schema.mergePrimitives) {
    const seen = new Set(original.map((v) => JSON.stringify(v)));
    const out = [...original];
    for (const item of patch) {
      if (!seen.has(JSON.stringify(item))) out.push(clone(item));
    }
    return out;
  }
  if (!mergeKey) return patch.map(clone);
  const out = original.map(clone);
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`the list item ${JSON.stringify(item)} has no merge key "${mergeKey}"`);
    const key = item[mergeKey];
    if (key === undefined) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const index = out.findIndex((o) => isObject(o) && JSON.stringify(o[mergeKey]) === JSON.stringify(key));
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeObject(out[index] as JsonObject, item, schema.items);
    else {
      const added = mergeObject({}, item, schema.items);
      out.push(added);
    }
  }
  return out;
}

function orderList(list: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const keyOf = (item: Json): string =>
    mergeKey && isObject(item) ? JSON.stringify(item[mergeKey]) : JSON.stringify(item);
  const wanted = order.map((o) => (mergeKey && isObject(o) ? JSON.stringify(o[mergeKey]) : JSON.stringify(o)));
  const rank = new Map(wanted.map((k, i) => [k, i]));
  const listed = list.filter((item) => rank.has(keyOf(item)));
  const rest = list.filter((item) => !rank.has(keyOf(item)));
  listed.sort((a, b) => (rank.get(keyOf(a)) ?? 0) - (rank.get(keyOf(b)) ?? 0));
  return [...listed, ...rest];
}
