import { describe, expect, it } from 'vitest';
import { rolloutState } from './rollout-status.ts';
import type { Deployment } from './types.ts';

function deployment(generation: number, status: NonNullable<Deployment['status']>, replicas = 3): Deployment {
  return {
    metadata: { name: 'svc', generation },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status,
  };
}

describe('rolloutState (kubectl rollout status)', () => {
  it.each([
    [
      'generation not observed',
      deployment(2, { observedGeneration: 1 }),
      'waiting',
      'Waiting for deployment spec update to be observed...',
    ],
    [
      'progress deadline exceeded',
      deployment(2, {
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'failed',
      'deployment "svc" exceeded its progress deadline',
    ],
    [
      'not all updated',
      deployment(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 1 }),
      'waiting',
      'Waiting for deployment "svc" rollout to finish: 1 out of 3 new replicas have been updated...',
    ],
    [
      'old replicas pending termination',
      deployment(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 3 }),
      'waiting',
      'Waiting for deployment "svc" rollout to finish: 1 old replicas are pending termination...',
    ],
    [
      'updated not available',
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      'waiting',
      'Waiting for deployment "svc" rollout to finish: 2 of 3 updated replicas are available...',
    ],
    [
      'complete',
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'complete',
      'deployment "svc" successfully rolled out',
    ],
  ])('%s', (_name, d, phase, message) => {
    expect(rolloutState(d)).toEqual({ phase, message });
  });
});
