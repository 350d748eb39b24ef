// Before the first write, each object a promotion will touch (workloads, ConfigMaps, Services,
// whatever its manifests name) is read as it is: the snapshot a failed promotion restores. An
// object that does not exist yet is recorded as absent: if this promotion creates it, a failure
// deletes it again.
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import type { KubeObject } from './manifests.ts';
import type { ObjectRef } from './object-ref.ts';

export interface Snapshot {
  ref: ObjectRef;
  /** The object before this promotion; undefined when it did not exist. */
  before: KubeObject | undefined;
}

/** The object, or undefined on 404. */
export async function readObject(client: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', ref.path);
  } catch (error: unknown) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function takeSnapshots(client: KubeClient, refs: readonly ObjectRef[]): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  for (const ref of refs) snapshots.push({ ref, before: await readObject(client, ref) });
  return snapshots;
}
