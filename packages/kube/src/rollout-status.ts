// `kubectl rollout status` for a Deployment, condition for condition (kubectl's
// DeploymentStatusViewer): the generation must be observed, ProgressDeadlineExceeded is a
// failure, then all replicas updated, old replicas gone, and every updated replica available.
import type { Deployment } from './types.ts';

export type RolloutState =
  | { phase: 'waiting'; message: string }
  | { phase: 'complete'; message: string }
  | { phase: 'failed'; message: string };

export function rolloutState(deployment: Deployment): RolloutState {
  const name = deployment.metadata.name;
  const status = deployment.status ?? {};
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { phase: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const wanted = deployment.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) {
    return {
      phase: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      phase: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      phase: 'waiting',
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { phase: 'complete', message: `deployment "${name}" successfully rolled out` };
}
