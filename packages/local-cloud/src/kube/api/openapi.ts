// The OpenAPI v3 documents kubectl reads before it writes: it checks that PATCH of a kind takes
// the `fieldValidation` query parameter (then it leaves validation to the server), and reads
// the schemas (with merge keys) to compute strategic merge patches. Generated from resources.ts.
import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCES, type ResourceDef } from './resources.ts';
import type { Schema } from './schema.ts';

function toOpenApi(schema: Schema): Record<string, unknown> {
  switch (schema.t) {
    case 'string':
      return { type: 'string' };
    case 'int':
      return { type: 'integer', format: 'int32' };
    case 'number':
      return { type: 'number', format: 'double' };
    case 'bool':
      return { type: 'boolean' };
    case 'intOrString':
      return { 'x-kubernetes-int-or-string': true };
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'map':
      return { type: 'object', additionalProperties: toOpenApi(schema.values) };
    case 'array': {
      const out: Record<string, unknown> = { type: 'array', items: toOpenApi(schema.items) };
      if (schema.mergeKey) {
        out['x-kubernetes-patch-merge-key'] = schema.mergeKey;
        out['x-kubernetes-patch-strategy'] = 'merge';
        out['x-kubernetes-list-type'] = 'map';
        out['x-kubernetes-list-map-keys'] = [schema.mergeKey];
      } else if (schema.mergePrimitives) {
        out['x-kubernetes-patch-strategy'] = 'merge';
        out['x-kubernetes-list-type'] = 'set';
      } else {
        out['x-kubernetes-list-type'] = 'atomic';
      }
      return out;
    }
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.fields).map(([k, v]) => [k, toOpenApi(v)])),
        ...(schema.atomic ? { 'x-kubernetes-map-type': 'atomic' } : {}),
      };
  }
}

function schemaName(def: ResourceDef): string {
  const group = def.group === '' ? 'core' : def.group.split('.')[0];
  return `io.k8s.api.${group}.${def.version}.${def.kind}`;
}

function gvPath(def: ResourceDef): string {
  return def.group === '' ? `api/${def.version}` : `apis/${def.group}/${def.version}`;
}

const FIELD_VALIDATION = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  schema: { type: 'string', uniqueItems: true },
};

function groupVersionDoc(defs: ResourceDef[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const def of defs) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(def)}` };
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [FIELD_VALIDATION],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
    });
    const base = `/${gvPath(def)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}`;
    if (def.virtual) {
      paths[base] = { post: op('post') };
    } else {
      paths[base] = { get: op('list'), post: op('post') };
      paths[`${base}/{name}`] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
    }
    schemas[schemaName(def)] = { ...toOpenApi(def.schema), 'x-kubernetes-group-version-kind': [gvk] };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export interface OpenApiV3 {
  index: Record<string, unknown>;
  documents: Map<string, string>;
}

export function buildOpenApiV3(): OpenApiV3 {
  const byGv = new Map<string, ResourceDef[]>();
  for (const def of RESOURCES) {
    const key = gvPath(def);
    byGv.set(key, [...(byGv.get(key) ?? []), def]);
  }
  const documents = new Map<string, string>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [gv, defs] of byGv) {
    const text = JSON.stringify(groupVersionDoc(defs));
    documents.set(gv, text);
    const hash = createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  void apiVersionOf;
  return { index: { paths }, documents };
}
