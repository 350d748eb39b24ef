// The arithmetic of a rolling update, as the deployment controller does it (pure functions,
// unit-tested): surge/unavailable fenceposts, how far the new ReplicaSet may grow, how far the
// old ones may shrink, the deployment's status and conditions.
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from './types.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

/** Annotations of a Deployment that are not copied to its ReplicaSets. */
export const ANNOTATIONS_NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

/** An int-or-percent value scaled to `total`: percentages round up for surge, down for unavailable. */
export function scaledValue(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: string,
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${v}`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** ResolveFenceposts: maxSurge and maxUnavailable in pods; both 0 becomes unavailable 1. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  if (d.spec.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaledValue(ru.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
export const sum = (list: readonly ReplicaSet[], f: (rs: ReplicaSet) => number): number =>
  list.reduce((n, rs) => n + f(rs), 0);

/** NewRSNewReplicas: the replica count the new ReplicaSet may have now. */
export function newReplicaSetReplicas(
  d: Deployment,
  all: readonly ReplicaSet[],
  newRs: ReplicaSet | undefined,
): number {
  const desired = d.spec.replicas ?? 1;
  const current = newRs ? specReplicas(newRs) : 0;
  if (d.spec.strategy?.type === 'Recreate') return desired;
  const { maxSurge } = resolveFenceposts(d);
  const currentPodCount = sum(all, specReplicas);
  const maxTotal = desired + maxSurge;
  if (currentPodCount >= maxTotal) return current;
  const scaleUp = Math.min(maxTotal - currentPodCount, desired - current);
  return current + Math.max(0, scaleUp);
}

const byCreation = (a: ReplicaSet, b: ReplicaSet): number =>
  a.metadata.creationTimestamp === b.metadata.creationTimestamp
    ? a.metadata.name.localeCompare(b.metadata.name)
    : a.metadata.creationTimestamp < b.metadata.creationTimestamp
      ? -1
      : 1;

export interface ScaleStep {
  name: string;
  replicas: number;
}

/**
 * reconcileOldReplicaSets: which old ReplicaSets to scale down, first their unavailable pods
 * (cleanupUnhealthyReplicas), then available ones down to minAvailable.
 */
export function oldReplicaSetScaleDown(
  d: Deployment,
  all: readonly ReplicaSet[],
  oldRss: readonly ReplicaSet[],
  newRs: ReplicaSet | undefined,
): ScaleStep[] {
  const old = oldRss.filter((rs) => specReplicas(rs) > 0).map((rs) => structuredClone(rs));
  if (sum(old, specReplicas) === 0) return [];
  const desired = d.spec.replicas ?? 1;
  const { maxUnavailable } = resolveFenceposts(d);
  const minAvailable = desired - maxUnavailable;
  const allPods = sum(all, specReplicas);
  const newUnavailable = newRs ? specReplicas(newRs) - (newRs.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const steps = new Map<string, number>();
  old.sort(byCreation);
  let cleaned = 0;
  for (const rs of old) {
    if (cleaned >= maxScaledDown) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (specReplicas(rs) === 0 || specReplicas(rs) === available) continue;
    const down = Math.min(maxScaledDown - cleaned, specReplicas(rs) - available);
    rs.spec.replicas = specReplicas(rs) - down;
    steps.set(rs.metadata.name, rs.spec.replicas);
    cleaned += down;
  }
  const available = sum(newRs ? [...old, newRs] : old, (rs) => rs.status?.availableReplicas ?? 0);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let done = 0;
    for (const rs of old) {
      if (done >= total) break;
      if (specReplicas(rs) === 0) continue;
      const down = Math.min(specReplicas(rs), total - done);
      rs.spec.replicas = specReplicas(rs) - down;
      steps.set(rs.metadata.name, rs.spec.replicas);
      done += down;
    }
  }
  return [...steps].map(([name, replicas]) => ({ name, replicas }));
}

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition: same status and reason = no change; same status = keep the transition time. */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
  const conditions = status.conditions ?? [];
  const current = conditions.find((c) => c.type === condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status && current.lastTransitionTime) {
    next.lastTransitionTime = current.lastTransitionTime;
  }
  status.conditions = [...conditions.filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function condition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: string,
): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** calculateStatus: counts from the ReplicaSets, and the Available condition. */
export function calculateStatus(
  d: Deployment,
  all: readonly ReplicaSet[],
  newRs: ReplicaSet | undefined,
  now: string,
): DeploymentStatus {
  const available = sum(all, (rs) => rs.status?.availableReplicas ?? 0);
  const total = sum(all, specReplicas);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum(all, (rs) => rs.status?.replicas ?? 0),
    updatedReplicas: newRs?.status?.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: structuredClone(d.status?.conditions ?? []),
  };
  const { maxUnavailable } = resolveFenceposts(d);
  if (available >= (d.spec.replicas ?? 1) - maxUnavailable) {
    setCondition(
      status,
      condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now),
    );
  } else {
    setCondition(
      status,
      condition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** DeploymentComplete */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const desired = d.spec.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  const deadline = d.spec.progressDeadlineSeconds;
  if (deadline === undefined || deadline === 2147483647) return false;
  const c = getCondition(status, 'Progressing');
  if (!c) return false;
  if (c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + deadline * 1000 < nowMs;
}

export function revisionOf(rs: { metadata: { annotations?: Record<string, string> } }): number {
  const v = Number(rs.metadata.annotations?.[REVISION] ?? '0');
  return Number.isInteger(v) ? v : 0;
}

/** ReplicaSets to delete beyond revisionHistoryLimit (only fully scaled-down ones, oldest revision first). */
export function replicaSetsToClean(d: Deployment, oldRss: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined) return [];
  const cleanable = oldRss.filter(
    (rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp,
  );
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  return [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b)).slice(0, diff);
}
