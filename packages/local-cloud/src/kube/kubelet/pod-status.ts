// The pod status the kubelet reports, from its containers' statuses: phase, conditions
// (PodScheduled, Initialized, ContainersReady, Ready, with transition times kept while a
// condition does not change), IPs and start time.
import type { Condition, ContainerStatus, Pod } from '../controllers/types.ts';

export function podPhase(pod: Pod, statuses: readonly ContainerStatus[]): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const terminated = statuses.filter((s) => s.state.terminated);
  if (statuses.length > 0 && terminated.length === statuses.length && policy !== 'Always') {
    if (policy === 'Never' || terminated.every((s) => s.state.terminated?.exitCode === 0)) {
      return terminated.every((s) => s.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
  }
  const everRan = statuses.some(
    (s) => s.state.running || s.restartCount > 0 || s.lastState.terminated || s.state.terminated,
  );
  return everRan ? 'Running' : 'Pending';
}

function setCondition(
  conditions: Condition[],
  type: string,
  status: Condition['status'],
  now: string,
  reason?: string,
): Condition[] {
  const current = conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: current && current.status === status ? (current.lastTransitionTime ?? now) : now,
    ...(reason ? { reason } : {}),
  };
  return [...conditions.filter((c) => c.type !== type), next];
}

export function podStatus(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  startTime: string,
  now: string,
): NonNullable<Pod['status']> {
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  let conditions = structuredClone(pod.status?.conditions ?? []);
  conditions = setCondition(conditions, 'PodReadyToStartContainers', 'True', now);
  conditions = setCondition(conditions, 'Initialized', 'True', now);
  conditions = setCondition(
    conditions,
    'Ready',
    allReady ? 'True' : 'False',
    now,
    allReady ? undefined : 'ContainersNotReady',
  );
  conditions = setCondition(
    conditions,
    'ContainersReady',
    allReady ? 'True' : 'False',
    now,
    allReady ? undefined : 'ContainersNotReady',
  );
  conditions = setCondition(conditions, 'PodScheduled', 'True', now);
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const c of conditions) {
    if (c.type === 'Ready' || c.type === 'ContainersReady') {
      if (c.status === 'False') {
        const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
        c.message = `containers with unready status: [${notReady.join(' ')}]`;
      } else delete c.message;
    }
  }
  return {
    phase: podPhase(pod, statuses),
    conditions,
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime,
    containerStatuses: structuredClone([...statuses]),
    qosClass: 'BestEffort',
  };
}
