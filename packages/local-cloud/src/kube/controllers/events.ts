// Events as the controllers and the kubelet record them (core/v1 Event), aggregated: the same
// reason and message for the same object bumps `count` and `lastTimestamp`. Bounded per
// namespace (oldest dropped), as a cluster's event TTL bounds them.
import { randomBytes } from 'node:crypto';
import type { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { type Meta, metaOf, type Obj } from '../api/store.ts';

const eventsDef = findResource('', 'v1', 'events') as ResourceDef;

export interface Involved {
  apiVersion: string;
  kind: string;
  metadata: Pick<Meta, 'name' | 'namespace' | 'uid' | 'resourceVersion'>;
}

export class EventRecorder {
  readonly #api: ObjectApi;
  readonly #component: string;
  readonly #host: string | undefined;
  readonly #maxPerNamespace: number;

  constructor(api: ObjectApi, component: string, options: { host?: string; maxPerNamespace?: number } = {}) {
    this.#api = api;
    this.#component = component;
    this.#host = options.host;
    this.#maxPerNamespace = options.maxPerNamespace ?? 500;
  }

  record(object: Involved, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const now = this.#api.now();
    const store = this.#api.store;
    const same = store.list(eventsDef, namespace, (e) => {
      const io = e.involvedObject as { uid?: string; fieldPath?: string } | undefined;
      return (
        io?.uid === object.metadata.uid &&
        e.reason === reason &&
        e.message === message &&
        (io?.fieldPath ?? '') === (fieldPath ?? '')
      );
    })[0];
    try {
      if (same) {
        same.count = (Number(same.count) || 1) + 1;
        same.lastTimestamp = now;
        store.update(eventsDef, same);
        return;
      }
      const all = store.list(eventsDef, namespace);
      if (all.length >= this.#maxPerNamespace) {
        const oldest = all.sort((a, b) => String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)))[0] as Obj;
        store.remove(eventsDef, namespace, metaOf(oldest).name);
      }
      this.#api.create(
        eventsDef,
        namespace,
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata.name,
            namespace,
            uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion,
            ...(fieldPath ? { fieldPath } : {}),
          },
          reason,
          message,
          source: { component: this.#component, ...(this.#host ? { host: this.#host } : {}) },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: this.#component,
          reportingInstance: this.#host ?? '',
        },
        { fieldValidation: 'Strict' },
      );
    } catch {
      // An event that cannot be written (its namespace is being deleted) is dropped, as the
      // real recorder drops it.
    }
  }
}
