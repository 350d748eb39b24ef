// What a person needs to see when a rollout fails: pod states, recent events, and the last log
// lines of the containers that fail.
import type { KubeClient } from './client.ts';
import { describePod, stuckContainers } from './pod-health.ts';
import { listEvents, listPods, podLog, selectorString } from './resources.ts';
import type { Deployment } from './types.ts';

export interface Diagnostics {
  pods: string[];
  events: string[];
  logs: { pod: string; container: string; lines: string }[];
}

export async function collectDiagnostics(
  client: KubeClient,
  deployment: Deployment,
  logLines = 20,
): Promise<Diagnostics> {
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;
  const pods = await listPods(client, namespace, selectorString(deployment.spec.selector.matchLabels)).catch(() => []);
  const podNames = new Set(pods.map((p) => p.metadata.name));
  const events = (await listEvents(client, namespace).catch(() => []))
    .filter((e) => {
      const object = e.involvedObject.name ?? '';
      return object === name || object.startsWith(`${name}-`) || podNames.has(object);
    })
    .sort((a, b) => (a.lastTimestamp ?? a.eventTime ?? '').localeCompare(b.lastTimestamp ?? b.eventTime ?? ''))
    .slice(-15)
    .map(
      (e) =>
        `${e.type ?? 'Normal'} ${e.reason ?? ''} ${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}: ${e.message ?? ''}`,
    );
  const failing = new Map<string, string>();
  for (const s of stuckContainers(pods)) failing.set(`${s.pod}/${s.container}`, s.container);
  for (const pod of pods) {
    for (const cs of pod.status?.containerStatuses ?? []) {
      if (!cs.ready && cs.restartCount > 0) failing.set(`${pod.metadata.name}/${cs.name}`, cs.name);
    }
  }
  const logs: Diagnostics['logs'] = [];
  for (const [key, container] of [...failing].slice(0, 3)) {
    const pod = key.split('/')[0] ?? '';
    const lines = await podLog(client, namespace, pod, container, logLines).catch(
      (e: unknown) => `(log unavailable: ${String(e)})`,
    );
    logs.push({ pod, container, lines });
  }
  return { pods: pods.map(describePod), events, logs };
}
