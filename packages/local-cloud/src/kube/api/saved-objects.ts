// What of the object store outlives a restart of the local cloud: every object but the node's
// own (pods, which the controllers make again from their ReplicaSets, as after a node restart)
// and events. Objects are kept whole (metadata, spec, status), by group, version and resource.
import type { AccessEntry } from '../auth/access-entries.ts';
import { findResource } from './resources.ts';
import type { Obj, ObjectStore } from './store.ts';

export interface SavedKubeObjects {
  resourceVersion: number;
  objects: { group: string; version: string; resource: string; object: Obj }[];
  /** The cluster's EKS access entries (absent in state saved before the EKS API managed them). */
  accessEntries?: AccessEntry[];
}

const NOT_SAVED = new Set(['/pods', '/events', 'events.k8s.io/events']);

export function saveObjects(store: ObjectStore): SavedKubeObjects {
  return {
    resourceVersion: Number(store.resourceVersion),
    objects: store
      .exportObjects()
      .filter(({ def }) => !NOT_SAVED.has(`${def.group}/${def.resource}`))
      .map(({ def, object }) => ({ group: def.group, version: def.version, resource: def.resource, object })),
  };
}

export function restoreObjects(store: ObjectStore, saved: SavedKubeObjects): void {
  const objects = saved.objects.map((o) => {
    const def = findResource(o.group, o.version, o.resource);
    if (!def) throw new Error(`saved Kubernetes object: unknown resource ${o.group}/${o.version}/${o.resource}`);
    return { def, object: o.object };
  });
  store.importObjects(objects, saved.resourceVersion);
}
