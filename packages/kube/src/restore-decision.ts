// What a failed promotion does with each object it wrote, decided from three readings of it:
// the snapshot before the promotion, what the promotion's last write left, and what is there now.
// It restores what it changed, and only that: an object it did not change is left alone, one
// it created is deleted, and one that someone else changed (or removed) since is left as it is.
import type { KubeObject } from './manifests.ts';

export type RestoreDecision =
  | { action: 'put-back' }
  | { action: 'delete' }
  | { action: 'none'; reason: string }
  | { action: 'keep'; reason: string };

/** Metadata the server maintains: not part of what a write changes. */
const SERVER_FIELDS = ['resourceVersion', 'managedFields', 'generation'] as const;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The object without status and server-maintained metadata, in a stable key order. */
export function contentOf(object: KubeObject): string {
  const { status: _status, metadata, ...rest } = object;
  const meta: Record<string, unknown> = { ...metadata };
  for (const field of SERVER_FIELDS) delete meta[field];
  return JSON.stringify(canonical({ ...rest, metadata: meta }));
}

/** Whether `now` differs from what the promotion's write left (`written`): by spec generation where the kind has one. */
export function changedSince(written: KubeObject, now: KubeObject): boolean {
  if (now.metadata.uid !== written.metadata.uid) return true;
  if (written.metadata.generation !== undefined) return now.metadata.generation !== written.metadata.generation;
  return now.metadata.resourceVersion !== written.metadata.resourceVersion;
}

/**
 * @param before the snapshot (undefined: the object did not exist)
 * @param written what this promotion's last write of it returned (undefined: never written)
 * @param now the object as it is (undefined: it does not exist)
 */
export function decideRestore(
  before: KubeObject | undefined,
  written: KubeObject | undefined,
  now: KubeObject | undefined,
): RestoreDecision {
  if (!written) return { action: 'none', reason: 'not written by this promotion' };
  if (!before) {
    if (!now) return { action: 'none', reason: 'created by this promotion and already gone' };
    if (now.metadata.uid !== written.metadata.uid)
      return { action: 'keep', reason: 'created by this promotion, then replaced by another object of that name' };
    return { action: 'delete' };
  }
  if (contentOf(before) === contentOf(written)) return { action: 'none', reason: 'not changed by this promotion' };
  if (!now) return { action: 'keep', reason: 'deleted by someone else after this promotion changed it' };
  if (changedSince(written, now))
    return { action: 'keep', reason: 'changed by someone else after this promotion changed it' };
  return { action: 'put-back' };
}
