// Reads pod states the way a person debugging a rollout would: which pods are stuck and why.
import type { Pod } from './types.ts';

/** Waiting reasons that mean a pod will not become ready without a change. */
export const STUCK_REASONS = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
];

export interface StuckContainer {
  pod: string;
  container: string;
  reason: string;
  message: string;
  restartCount: number;
}

export function stuckContainers(pods: Iterable<Pod>): StuckContainer[] {
  const stuck: StuckContainer[] = [];
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      const reason = cs.state?.waiting?.reason;
      if (reason && STUCK_REASONS.includes(reason)) {
        stuck.push({
          pod: pod.metadata.name,
          container: cs.name,
          reason,
          message: cs.state?.waiting?.message ?? '',
          restartCount: cs.restartCount,
        });
      }
    }
  }
  return stuck;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** One line a pod: name, phase, ready, restarts, waiting reason, imageIDs. */
export function describePod(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
  const waiting = statuses
    .map((c) => c.state?.waiting?.reason)
    .filter(Boolean)
    .join(',');
  const ids = statuses.map((c) => c.imageID || '(none)').join(',');
  return `${pod.metadata.name}: ${pod.status?.phase ?? 'Unknown'}, ready=${isPodReady(pod)}, restarts=${restarts}${waiting ? `, waiting=${waiting}` : ''}, imageID=${ids}`;
}
