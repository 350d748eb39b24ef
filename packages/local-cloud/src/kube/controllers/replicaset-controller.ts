// The ReplicaSet controller: as many live pods as spec.replicas (creates from the template,
// deletes the least useful pods first), and a status that counts ready pods and available pods
// (ready for at least minReadySeconds), with observedGeneration.
import type { ObjectApi } from '../api/object-api.ts';
import { randomSuffix } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { matchesRequirements, selectorRequirements } from '../api/selectors.ts';
import { KubeStatusError } from '../api/status.ts';
import type { EventRecorder } from './events.ts';
import type { Condition, Pod, ReplicaSet } from './types.ts';

export const podsDef = findResource('', 'v1', 'pods') as ResourceDef;
const replicaSetsDef = findResource('apps', 'v1', 'replicasets') as ResourceDef;

/** Slow start bound: at most this many pods are created in one sync. */
const MAX_BURST = 50;

export function podReadyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds (IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

export function isActivePod(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** ActivePodsWithRanks order: the pods to delete first come first. */
export function deletionOrder(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isPodReady(a) && isPodReady(b)) {
    const since = (p: Pod) => podReadyCondition(p)?.lastTransitionTime ?? '';
    if (since(a) !== since(b)) return since(a) > since(b) ? -1 : 1;
  }
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return a.metadata.creationTimestamp > b.metadata.creationTimestamp
    ? -1
    : a.metadata.creationTimestamp < b.metadata.creationTimestamp
      ? 1
      : 0;
}

export interface ReplicaSetControllerDeps {
  api: ObjectApi;
  events: EventRecorder;
  requeueAfter: (namespace: string, name: string, delayMs: number) => void;
}

export class ReplicaSetController {
  readonly #deps: ReplicaSetControllerDeps;

  constructor(deps: ReplicaSetControllerDeps) {
    this.#deps = deps;
  }

  async sync(namespace: string, name: string): Promise<void> {
    const store = this.#deps.api.store;
    const rs = store.get(replicaSetsDef, namespace, name) as unknown as ReplicaSet | undefined;
    if (!rs) return;
    const requirements = selectorRequirements(rs.spec.selector);
    const owned = (store.list(podsDef, namespace) as unknown as Pod[]).filter(
      (p) =>
        (p.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === rs.metadata.uid) &&
        matchesRequirements(p.metadata.labels, requirements),
    );
    const active = owned.filter(isActivePod);
    if (!rs.metadata.deletionTimestamp) {
      const diff = active.length - (rs.spec.replicas ?? 0);
      if (diff < 0) this.#createPods(rs, Math.min(-diff, MAX_BURST));
      else if (diff > 0) this.#deletePods(rs, [...active].sort(deletionOrder).slice(0, diff));
    }
    this.#updateStatus(rs, active);
  }

  #createPods(rs: ReplicaSet, count: number): void {
    const template = rs.spec.template;
    for (let i = 0; i < count; i++) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rs.metadata.name}-${randomSuffix()}`,
          namespace: rs.metadata.namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rs.metadata.name,
              uid: rs.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: structuredClone(template.spec),
      };
      try {
        const created = this.#deps.api.create(podsDef, rs.metadata.namespace, pod, { fieldValidation: 'Strict' })
          .object as unknown as Pod;
        this.#deps.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        this.#deps.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`);
        return;
      }
    }
  }

  #deletePods(rs: ReplicaSet, pods: Pod[]): void {
    for (const pod of pods) {
      try {
        this.#deps.api.delete(podsDef, pod.metadata.namespace, pod.metadata.name, {});
        this.#deps.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (error: unknown) {
        if (!(error instanceof KubeStatusError && error.code === 404)) throw error;
      }
    }
  }

  #updateStatus(rs: ReplicaSet, active: Pod[]): void {
    const nowMs = Date.parse(this.#deps.api.now());
    const minReady = rs.spec.minReadySeconds ?? 0;
    const labels = rs.spec.template.metadata?.labels ?? {};
    const ready = active.filter(isPodReady);
    const available = active.filter((p) => isPodAvailable(p, minReady, nowMs));
    const status = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v))
        .length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (JSON.stringify(status) !== JSON.stringify(rs.status ?? {})) {
      const copy = structuredClone(rs);
      copy.status = status;
      this.#deps.api.update(
        replicaSetsDef,
        rs.metadata.namespace,
        rs.metadata.name,
        copy,
        { fieldValidation: 'Strict' },
        'status',
      );
    }
    if (minReady > 0 && ready.length > available.length) {
      // Re-check when the next ready pod becomes available.
      const next = ready
        .filter((p) => !isPodAvailable(p, minReady, nowMs))
        .map((p) => Date.parse(podReadyCondition(p)?.lastTransitionTime ?? '') + minReady * 1000 - nowMs)
        .filter((ms) => Number.isFinite(ms));
      const wait = next.length > 0 ? Math.max(0, Math.min(...next)) : minReady * 1000;
      this.#deps.requeueAfter(rs.metadata.namespace ?? '', rs.metadata.name, wait + 100);
    }
  }
}
