// What the API server does between the HTTP layer and storage: decoding with field validation
// (Strict / Warn / Ignore), defaulting, validation, patches, the status and scale subresources,
// deletion with graceful pods and garbage collection of dependents. Controllers write through
// this layer too, so their writes are validated like anyone's.
import { randomInt } from 'node:crypto';
import type { UserInfo } from '../auth/user.ts';
import { applyManagers } from './apply/field-manager.ts';
import { decodeManagedFields, ManagedFieldsError } from './apply/managed-fields.ts';
import { type Endpoint, keepTimesWhenUnchanged, recordUpdate, scopeOf, setManagedFields } from './apply/tracking.ts';
import { TypedValueError } from './apply/typed-fields.ts';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patch.ts';
import { apiVersionOf, findResource, RESOURCES, type ResourceContext, type ResourceDef } from './resources.ts';
import { checkSchema, scaleSchema } from './schema.ts';
import { selectorString } from './selectors.ts';
import {
  badRequest,
  conflict,
  internalError,
  invalid,
  KubeStatusError,
  notFound,
  STALE_WRITE,
  type Status,
  unsupportedMediaType,
} from './status.ts';
import { type Meta, metaOf, type Obj, type ObjectStore, timestamp } from './store.ts';
import { validateMeta } from './validate.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  fieldValidation?: FieldValidation;
  dryRun?: boolean;
  /** Who asks (requests through the API server); internal writes (controllers, bootstrap) have none. */
  requester?: UserInfo;
  /** The manager a request's write is recorded under in managedFields (requests only). */
  fieldManager?: string;
}

/** A check run on every write a requester makes, after validation and before storing (dry runs too). */
export type AdmissionCheck = (write: { resource: string; group: string; object: Obj; user: UserInfo }) => void;

export interface WriteResult {
  object: Obj;
  warnings: string[];
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += NAME_SUFFIX_ALPHABET[randomInt(NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/** Go's decoder turns a JSON null into the zero value, which is then omitted: drop nulls. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

const namespacesDef = findResource('', 'v1', 'namespaces') as ResourceDef;

export class ObjectApi {
  readonly store: ObjectStore;
  readonly #ctx: ResourceContext;
  #nextIp = 10;

  readonly #admission: readonly AdmissionCheck[];

  constructor(store: ObjectStore, options: { admission?: readonly AdmissionCheck[] } = {}) {
    this.store = store;
    this.#admission = options.admission ?? [];
    this.#ctx = {
      allocateClusterIp: () => {
        const n = this.#nextIp++;
        return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      },
    };
  }

  /** Type checks, unknown fields (per fieldValidation), then the object's kind. */
  #decode(
    def: ResourceDef,
    body: unknown,
    options: WriteOptions,
    schema = def.schema,
    kindName = def.kind,
  ): { object: Obj; warnings: string[] } {
    const version = def.version;
    const head = `${kindName} in version "${version}" cannot be handled as a ${kindName}`;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest(
        `${head}: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct`,
      );
    }
    const object = dropNulls(structuredClone(body)) as Obj;
    const mode = options.fieldValidation ?? 'Warn';
    const problems = checkSchema(schema, object, mode !== 'Strict');
    const first = problems.typeErrors[0];
    if (first) throw badRequest(`${head}: ${first}`);
    const warnings: string[] = [];
    if (problems.unknown.length > 0) {
      if (mode === 'Strict') {
        throw badRequest(
          `${head}: strict decoding error: ${problems.unknown.map((p) => `unknown field "${p}"`).join(', ')}`,
        );
      }
      if (mode === 'Warn') warnings.push(...problems.unknown.map((p) => `unknown field "${p}"`));
    }
    return { object, warnings };
  }

  #checkKind(def: ResourceDef, object: Obj, expectedKind = def.kind, expectedApiVersion = apiVersionOf(def)): void {
    if (object.apiVersion === undefined && object.kind === undefined) {
      object.apiVersion = expectedApiVersion;
      object.kind = expectedKind;
      return;
    }
    if (object.kind !== expectedKind || object.apiVersion !== expectedApiVersion) {
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expectedApiVersion})`,
      );
    }
  }

  #prepare(def: ResourceDef, object: Obj, old: Obj | undefined): void {
    if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
    def.defaults?.(object, this.#ctx);
    const meta = metaOf(object);
    const errors = [
      ...validateMeta(object.metadata as Obj, def.nameRule, def.namespaced),
      ...(def.validate?.(object, old) ?? []),
    ];
    if (errors.length > 0) throw invalid(def.kind, def.group, meta.name ?? '', errors);
  }

  #admit(def: ResourceDef, object: Obj, options: WriteOptions): void {
    const user = options.requester;
    if (!user) return;
    for (const check of this.#admission) check({ resource: def.resource, group: def.group, object, user });
  }

  #requireNamespace(def: ResourceDef, namespace: string | undefined): void {
    if (!def.namespaced) return;
    const ns = namespace ? this.store.get(namespacesDef, undefined, namespace) : undefined;
    if (!ns) throw notFound('namespaces', '', namespace ?? '');
  }

  create(def: ResourceDef, namespace: string | undefined, body: unknown, options: WriteOptions = {}): WriteResult {
    const { object, warnings } = this.#decode(def, body, options);
    this.#checkKind(def, object);
    if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
    const meta = object.metadata as Meta;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (namespace !== undefined) meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
    if ((!meta.name || meta.name === '') && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    delete (meta as Partial<Meta>).resourceVersion;
    this.#prepare(def, object, undefined);
    if (def.namespaced) this.#requireNamespace(def, meta.namespace);
    this.#admit(def, object, options);
    this.#track(def, 'main', undefined, object, options);
    if (options.dryRun) return { object, warnings };
    return { object: this.store.create(def, object), warnings };
  }

  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
    subresource?: 'status',
  ): WriteResult {
    const { object, warnings } = this.#decode(def, body, options);
    this.#checkKind(def, object);
    return this.#write(def, namespace, name, object, warnings, options, subresource);
  }

  #write(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    object: Obj,
    warnings: string[],
    options: WriteOptions,
    subresource?: 'status',
  ): WriteResult {
    if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
    const meta = object.metadata as Meta;
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (namespace !== undefined) meta.namespace = namespace;
    }
    const current = this.store.mustGet(def, namespace, name);
    if (subresource === 'status') {
      // Only status changes; metadata and spec come from what is stored.
      const merged: Obj = { ...current, status: object.status };
      (merged.metadata as Meta).resourceVersion = meta.resourceVersion ?? '';
      this.#prepare(def, merged, current);
      if (options.dryRun) return { object: merged, warnings };
      return { object: this.store.update(def, merged, 'status'), warnings };
    }
    this.#prepare(def, object, current);
    this.#admit(def, object, options);
    this.#track(def, 'main', current, object, options);
    if (options.dryRun) return { object, warnings };
    return { object: this.store.update(def, object, 'main'), warnings };
  }

  /** Records a request's write in managedFields (internal writes leave them as they are). */
  #track(def: ResourceDef, endpoint: Endpoint, live: Obj | undefined, next: Obj, options: WriteOptions): void {
    if (!options.requester || options.fieldManager === undefined) return;
    recordUpdate(def, endpoint, live, next, {
      manager: options.fieldManager,
      apiVersion: apiVersionOf(def),
      time: this.now(),
    });
  }

  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patchBody: unknown,
    options: WriteOptions = {},
    subresource?: 'status',
  ): WriteResult {
    const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(PATCH_TYPES as readonly string[]).includes(type)) {
      throw unsupportedMediaType(contentType, PATCH_TYPES);
    }
    const current = this.store.mustGet(def, namespace, name);
    const currentRv = metaOf(current).resourceVersion;
    let patched: unknown;
    if (type === 'application/json-patch+json') patched = jsonPatch(current, patchBody);
    else if (type === 'application/merge-patch+json') patched = jsonMergePatch(current, patchBody);
    else patched = strategicMergePatch(current, patchBody, def.schema);
    const { object, warnings } = this.#decode(def, patched, options);
    this.#checkKind(def, object);
    const meta = (object.metadata ?? {}) as Meta;
    // A resourceVersion the patch set is a precondition; otherwise the patch applies to what it read.
    if (meta.resourceVersion && meta.resourceVersion !== currentRv) {
      throw conflict(def.resource, def.group, name, STALE_WRITE);
    }
    meta.resourceVersion = currentRv;
    return this.#write(def, namespace, name, object, warnings, options, subresource);
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): merges the applied configuration
   * into the object, or creates it, as `manager` (apply/field-manager.ts has the rules).
   */
  apply(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { fieldManager: string; force: boolean },
  ): WriteResult & { created: boolean } {
    const { object: config, warnings } = this.#decode(def, body, options);
    // FieldManager.Apply's checks, in its order (structuredmerge.go)
    if (config.apiVersion !== apiVersionOf(def)) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${typeof config.apiVersion === 'string' ? config.apiVersion : ''}, expected: ${apiVersionOf(def)}`,
      );
    }
    if (typeof config.metadata !== 'object' || config.metadata === null) config.metadata = {};
    const meta = config.metadata as Meta;
    if ((meta as { managedFields?: unknown }).managedFields !== undefined) {
      throw badRequest('metadata.managedFields must be nil');
    }
    if (config.kind !== def.kind) {
      throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    }
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (def.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.name = name;
    if (def.namespaced && namespace !== undefined) meta.namespace = namespace;
    const live = this.store.get(def, namespace, name);
    let managers: ReturnType<typeof decodeManagedFields> = [];
    try {
      managers = live ? decodeManagedFields((live.metadata as Obj).managedFields) : [];
    } catch (error: unknown) {
      if (!(error instanceof ManagedFieldsError)) throw error;
    }
    let result: ReturnType<typeof applyManagers>;
    try {
      result = applyManagers({
        scope: scopeOf(def, 'main'),
        live,
        config,
        managers,
        applier: { manager: options.fieldManager, apiVersion: apiVersionOf(def), time: this.now() },
        force: options.force,
      });
    } catch (error: unknown) {
      if (error instanceof TypedValueError) {
        throw internalError(
          `failed to create typed patch object (${apiVersionOf(def)}, Kind=${def.kind}): ${error.message}`,
        );
      }
      throw error;
    }
    const object = result.object;
    setManagedFields(object, result.managers);
    if (!live) {
      const { warnings: _w, ...created } = this.#createApplied(def, namespace, object, options);
      return { ...created, warnings, created: true };
    }
    const objectMeta = object.metadata as Meta;
    objectMeta.resourceVersion = meta.resourceVersion ?? metaOf(live).resourceVersion;
    if (meta.resourceVersion && meta.resourceVersion !== metaOf(live).resourceVersion) {
      throw conflict(def.resource, def.group, name, STALE_WRITE);
    }
    this.#prepare(def, object, live);
    setManagedFields(object, keepTimesWhenUnchanged(live, object, result.managers));
    this.#admit(def, object, options);
    if (options.dryRun) return { object, warnings, created: false };
    return { object: this.store.update(def, object, 'main'), warnings, created: false };
  }

  #createApplied(def: ResourceDef, namespace: string | undefined, object: Obj, options: WriteOptions): WriteResult {
    this.#prepare(def, object, undefined);
    if (def.namespaced) this.#requireNamespace(def, namespace);
    this.#admit(def, object, options);
    if (options.dryRun) return { object, warnings: [] };
    return { object: this.store.create(def, object), warnings: [] };
  }

  /** Decodes a review (nothing is stored). */
  validateVirtual(def: ResourceDef, body: unknown, options: WriteOptions): WriteResult {
    const result = this.#decode(def, body, options);
    this.#checkKind(def, result.object);
    return result;
  }

  // -- scale subresource --------------------------------------------------------------------

  scaleOf(def: ResourceDef, namespace: string, name: string): Obj {
    const o = this.store.mustGet(def, namespace, name);
    const meta = metaOf(o);
    const spec = (o.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof selectorString>[0] };
    const status = (o.status ?? {}) as { replicas?: number };
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        creationTimestamp: meta.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
    };
  }

  writeScale(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: unknown,
    contentType: string | undefined,
    options: WriteOptions,
  ): Obj {
    const current = this.scaleOf(def, namespace, name);
    let next: unknown = body;
    if (contentType !== undefined) {
      const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (type === 'application/json-patch+json') next = jsonPatch(current, body);
      else if (type === 'application/merge-patch+json') next = jsonMergePatch(current, body);
      else if (type === 'application/strategic-merge-patch+json')
        next = strategicMergePatch(current, body, scaleSchema);
      else throw unsupportedMediaType(contentType, PATCH_TYPES);
    }
    const scaleDef = { ...def, kind: 'Scale', version: 'v1', group: 'autoscaling' };
    const { object } = this.#decode(scaleDef, next, options, scaleSchema, 'Scale');
    const replicas = (object.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          detail: 'must be greater than or equal to 0',
          value: String(replicas),
        },
      ]);
    }
    const rv = (object.metadata as Meta | undefined)?.resourceVersion;
    const target = this.store.mustGet(def, namespace, name);
    if (rv && rv !== metaOf(target).resourceVersion) throw conflict(def.resource, def.group, name, STALE_WRITE);
    const live = structuredClone(target);
    (target.spec as Obj).replicas = replicas;
    this.#track(def, 'scale', live, target, options);
    if (!options.dryRun) this.update(def, namespace, name, target, { fieldValidation: 'Ignore' });
    return this.scaleOf(def, namespace, name);
  }

  // -- deletion -----------------------------------------------------------------------------

  /** Deletes an object; returns the terminating object (graceful) or a Success Status. */
  delete(def: ResourceDef, namespace: string | undefined, name: string, options: DeleteOptions = {}): Obj | Status {
    const current = this.store.mustGet(def, namespace, name);
    const meta = metaOf(current);
    if (options.preconditions?.uid && options.preconditions.uid !== meta.uid) {
      throw conflict(
        def.resource,
        def.group,
        name,
        `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${meta.uid}`,
      );
    }
    if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        def.resource,
        def.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
      );
    }
    if (def.resource === 'pods') {
      const spec = (current.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const grace = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      if (spec.nodeName && grace > 0) return this.store.markDeleting(def, namespace, name, grace);
    }
    if (def.resource === 'namespaces') {
      for (const d of RESOURCES) {
        if (!d.namespaced || d.virtual) continue;
        for (const o of this.store.list(d, name)) {
          try {
            this.store.remove(d, name, metaOf(o).name);
          } catch (error: unknown) {
            if (!(error instanceof KubeStatusError && error.code === 404)) throw error;
          }
        }
      }
    }
    const removed = this.store.remove(def, namespace, name, meta.uid);
    this.#collectDependents(metaOf(removed), options.propagationPolicy ?? 'Background');
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, ...(def.group ? { group: def.group } : {}), kind: def.resource, uid: meta.uid },
    } as unknown as Status;
  }

  /** The garbage collector: dependents of a removed owner are deleted, or orphaned. */
  #collectDependents(owner: Meta, policy: string): void {
    if (!owner.namespace) return;
    for (const d of RESOURCES) {
      if (!d.namespaced || d.virtual) continue;
      for (const o of this.store.list(d, owner.namespace)) {
        const m = metaOf(o);
        const refs = m.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === owner.uid)) continue;
        try {
          if (policy === 'Orphan') {
            m.ownerReferences = refs.filter((r) => r.uid !== owner.uid);
            if (m.ownerReferences.length === 0) delete m.ownerReferences;
            this.store.update(d, o);
          } else {
            this.delete(d, m.namespace, m.name, {});
          }
        } catch (error: unknown) {
          if (!(error instanceof KubeStatusError && (error.code === 404 || error.code === 409))) throw error;
        }
      }
    }
  }

  /** Final removal of a terminating pod (the kubelet calls this once its containers are gone). */
  finalizePod(namespace: string, name: string, uid: string): void {
    const def = findResource('', 'v1', 'pods') as ResourceDef;
    try {
      this.store.remove(def, namespace, name, uid);
    } catch (error: unknown) {
      if (!(error instanceof KubeStatusError && (error.code === 404 || error.code === 409))) throw error;
    }
  }

  now(): string {
    return timestamp(this.store.now());
  }
}
