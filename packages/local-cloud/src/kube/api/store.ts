// The object store: objects per resource, one cluster-wide resourceVersion counter, optimistic
// concurrency (409 on a stale resourceVersion), generation bumps on spec changes, and a bounded
// history of changes that watches replay from a resourceVersion (410 once it has been dropped).
import { randomUUID } from 'node:crypto';
import type { ResourceDef } from './resources.ts';
import { alreadyExists, conflict, gone, notFound, STALE_WRITE } from './status.ts';

export type Obj = Record<string, unknown>;

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  generateName?: string;
  finalizers?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  def: ResourceDef;
  object: Obj;
  /** the object before the change (MODIFIED and DELETED) */
  previous?: Obj;
  rv: number;
}

export function metaOf(o: Obj): Meta {
  return o.metadata as Meta;
}

export function timestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function specPart(o: Obj): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

export interface StoreOptions {
  now?: () => Date;
  /** events kept for watch resumption (default 5000) */
  historyLimit?: number;
}

export class ObjectStore {
  readonly #objects = new Map<ResourceDef, Map<string, Obj>>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<(e: StoreEvent) => void>();
  readonly #historyLimit: number;
  readonly now: () => Date;
  #rv = 100;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.#historyLimit = options.historyLimit ?? 5000;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  #bucket(def: ResourceDef): Map<string, Obj> {
    let b = this.#objects.get(def);
    if (!b) {
      b = new Map();
      this.#objects.set(def, b);
    }
    return b;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.#bucket(def).get(keyOf(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  mustGet(def: ResourceDef, namespace: string | undefined, name: string): Obj {
    const o = this.get(def, namespace, name);
    if (!o) throw notFound(def.resource, def.group, name);
    return o;
  }

  list(def: ResourceDef, namespace?: string, filter?: (o: Obj) => boolean): Obj[] {
    const out: Obj[] = [];
    for (const o of this.#bucket(def).values()) {
      if (namespace !== undefined && metaOf(o).namespace !== namespace) continue;
      if (filter && !filter(o)) continue;
      out.push(structuredClone(o));
    }
    out.sort((a, b) =>
      keyOf(metaOf(a).namespace, metaOf(a).name).localeCompare(keyOf(metaOf(b).namespace, metaOf(b).name)),
    );
    return out;
  }

  /** Stores a new object; fills uid, resourceVersion, creationTimestamp, generation. */
  create(def: ResourceDef, input: Obj): Obj {
    const o = structuredClone(input);
    const meta = metaOf(o);
    const bucket = this.#bucket(def);
    const key = keyOf(def.namespaced ? meta.namespace : undefined, meta.name);
    if (bucket.has(key)) throw alreadyExists(def.resource, def.group, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.now());
    if (def.generation) meta.generation = 1;
    delete meta.deletionTimestamp;
    meta.resourceVersion = String(++this.#rv);
    bucket.set(key, o);
    this.#emit({ type: 'ADDED', def, object: structuredClone(o), rv: this.#rv });
    return structuredClone(o);
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored one (409
   * otherwise). `part` says what the write may change: `main` keeps the stored status when the
   * resource has a status subresource; `status` keeps everything but status (and labels and
   * annotations are kept as they are).
   */
  update(def: ResourceDef, input: Obj, part: 'main' | 'status' = 'main'): Obj {
    const o = structuredClone(input);
    const meta = metaOf(o);
    const bucket = this.#bucket(def);
    const key = keyOf(def.namespaced ? meta.namespace : undefined, meta.name);
    const current = bucket.get(key);
    if (!current) throw notFound(def.resource, def.group, meta.name);
    const currentMeta = metaOf(current);
    if (meta.resourceVersion && meta.resourceVersion !== currentMeta.resourceVersion) {
      throw conflict(def.resource, def.group, meta.name, STALE_WRITE);
    }
    let next: Obj;
    if (part === 'status') {
      next = { ...structuredClone(current), status: o.status };
    } else {
      next = o;
      if (def.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = structuredClone(current.status);
      }
      const nextMeta = metaOf(next);
      nextMeta.uid = currentMeta.uid;
      nextMeta.creationTimestamp = currentMeta.creationTimestamp;
      if (currentMeta.deletionTimestamp) nextMeta.deletionTimestamp = currentMeta.deletionTimestamp;
      else delete nextMeta.deletionTimestamp;
      if (currentMeta.deletionGracePeriodSeconds !== undefined) {
        nextMeta.deletionGracePeriodSeconds = currentMeta.deletionGracePeriodSeconds;
      }
      if (def.generation) {
        nextMeta.generation = (currentMeta.generation ?? 1) + (specPart(next) !== specPart(current) ? 1 : 0);
      }
    }
    // A write that changes nothing keeps the resourceVersion and emits no event, as etcd-backed
    // storage does.
    const unchanged =
      JSON.stringify({ ...next, metadata: { ...metaOf(next), resourceVersion: '' } }) ===
      JSON.stringify({ ...current, metadata: { ...currentMeta, resourceVersion: '' } });
    if (unchanged) return structuredClone(current);
    metaOf(next).resourceVersion = String(++this.#rv);
    bucket.set(key, next);
    this.#emit({
      type: 'MODIFIED',
      def,
      object: structuredClone(next),
      previous: structuredClone(current),
      rv: this.#rv,
    });
    return structuredClone(next);
  }

  /** Marks an object as terminating (graceful deletion). */
  markDeleting(def: ResourceDef, namespace: string | undefined, name: string, graceSeconds: number): Obj {
    const current = this.mustGet(def, namespace, name);
    const meta = metaOf(current);
    if (meta.deletionTimestamp) return current;
    meta.deletionTimestamp = timestamp(new Date(this.now().getTime() + graceSeconds * 1000));
    meta.deletionGracePeriodSeconds = graceSeconds;
    if (def.generation) meta.generation = (meta.generation ?? 1) + 1;
    const bucket = this.#bucket(def);
    const previous = bucket.get(keyOf(def.namespaced ? namespace : undefined, name));
    meta.resourceVersion = String(++this.#rv);
    bucket.set(keyOf(def.namespaced ? namespace : undefined, name), current);
    this.#emit({
      type: 'MODIFIED',
      def,
      object: structuredClone(current),
      ...(previous ? { previous: structuredClone(previous) } : {}),
      rv: this.#rv,
    });
    return structuredClone(current);
  }

  remove(def: ResourceDef, namespace: string | undefined, name: string, uid?: string): Obj {
    const bucket = this.#bucket(def);
    const key = keyOf(def.namespaced ? namespace : undefined, name);
    const current = bucket.get(key);
    if (!current) throw notFound(def.resource, def.group, name);
    if (uid && metaOf(current).uid !== uid) {
      throw conflict(
        def.resource,
        def.group,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${metaOf(current).uid}`,
      );
    }
    bucket.delete(key);
    const removed = structuredClone(current);
    metaOf(removed).resourceVersion = String(++this.#rv);
    this.#emit({
      type: 'DELETED',
      def,
      object: structuredClone(removed),
      previous: structuredClone(current),
      rv: this.#rv,
    });
    return removed;
  }

  /** Every object with its resource, to save them. */
  exportObjects(): { def: ResourceDef; object: Obj }[] {
    const out: { def: ResourceDef; object: Obj }[] = [];
    for (const [def, bucket] of this.#objects)
      for (const o of bucket.values()) out.push({ def, object: structuredClone(o) });
    return out;
  }

  /**
   * Puts back objects saved by an earlier run, before anything watches: no events, and the
   * resourceVersion counter continues from where that run stopped.
   */
  importObjects(objects: readonly { def: ResourceDef; object: Obj }[], resourceVersion: number): void {
    for (const { def, object } of objects) {
      const meta = metaOf(object);
      this.#bucket(def).set(keyOf(def.namespaced ? meta.namespace : undefined, meta.name), structuredClone(object));
      this.#rv = Math.max(this.#rv, Number(meta.resourceVersion));
    }
    this.#rv = Math.max(this.#rv, resourceVersion);
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `rv` for one resource, or a 410 when they are no longer kept. */
  eventsSince(def: ResourceDef, rv: number): StoreEvent[] {
    const oldest = this.#history[0]?.rv ?? this.#rv + 1;
    if (rv < oldest - 1 && rv < this.#rv) {
      throw gone(`too old resource version: ${rv} (${oldest - 1})`);
    }
    return this.#history.filter((e) => e.def === def && e.rv > rv);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) this.#history.splice(0, this.#history.length - this.#historyLimit);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // a listener's failure must not break a write
      }
    }
  }
}
