// The wait, as a specification: when a rollout is complete, when it has failed, and when new
// pods that do not start fail it before the progress deadline.
import { describe, expect, it } from 'vitest';
import { judgeRollout, type RolloutObservation } from './rollout-verdict.ts';
import type { Deployment, Pod } from './types.ts';

const NEW = 'r/svc@sha256:new';
const OLD = 'r/svc@sha256:old';

function deployment(status: Deployment['status'], generation = 2): Deployment {
  return {
    metadata: { name: 'svc', namespace: 'dev', generation },
    spec: { replicas: 2, selector: { matchLabels: { app: 'svc' } }, template: { spec: { containers: [] } } },
    ...(status ? { status } : {}),
  };
}

const rolling = deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 });

function pod(name: string, image: string, waiting?: string): Pod {
  return {
    metadata: { name },
    spec: { containers: [{ name: 'app', image }] },
    status: {
      containerStatuses: [
        {
          name: 'app',
          image,
          imageID: '',
          ready: false,
          restartCount: 3,
          ...(waiting ? { state: { waiting: { reason: waiting, message: 'back-off 40s' } } } : {}),
        },
      ],
    },
  };
}

const observe = (o: Partial<RolloutObservation>): RolloutObservation => ({
  deployment: rolling,
  pods: [],
  newImages: [NEW],
  now: 100_000,
  graceMs: 45_000,
  stuckSince: new Map(),
  ...o,
});

describe('waiting for a rollout', () => {
  it('is complete when kubectl rollout status would say so', () => {
    const done = deployment({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(judgeRollout(observe({ deployment: done })).verdict).toEqual({
      verdict: 'complete',
      message: 'deployment "svc" successfully rolled out',
    });
  });

  it('waits while the new generation is not observed yet, whatever the counts say', () => {
    const unseen = deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(judgeRollout(observe({ deployment: unseen })).verdict.verdict).toBe('waiting');
  });

  it('fails when the Deployment exceeded its progress deadline', () => {
    const late = deployment({
      observedGeneration: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(judgeRollout(observe({ deployment: late })).verdict).toEqual({
      verdict: 'progress-deadline',
      message: 'deployment "svc" exceeded its progress deadline',
    });
  });

  it('starts the clock of a new pod the first time it is seen stuck, and keeps waiting', () => {
    const judged = judgeRollout(observe({ pods: [pod('svc-new-1', NEW, 'CrashLoopBackOff')] }));
    expect(judged.verdict.verdict).toBe('waiting');
    expect([...judged.stuckSince]).toEqual([['svc-new-1/app', 100_000]]);
  });

  it('fails once a new pod has been stuck for the grace period, naming pod, container and reason', () => {
    const judged = judgeRollout(
      observe({
        pods: [pod('svc-new-1', NEW, 'ImagePullBackOff')],
        stuckSince: new Map([['svc-new-1/app', 55_000]]),
      }),
    );
    expect(judged.verdict).toMatchObject({
      verdict: 'stuck-pods',
      message: 'new pods of deployment "svc" are stuck: svc-new-1/app ImagePullBackOff (back-off 40s)',
    });
  });

  it('does not fail a rollout for an old pod that is stuck', () => {
    const judged = judgeRollout(
      observe({ pods: [pod('svc-old-1', OLD, 'CrashLoopBackOff')], stuckSince: new Map([['svc-old-1/app', 0]]) }),
    );
    expect(judged.verdict.verdict).toBe('waiting');
  });

  it('forgets the clock of a pod that recovered, so a later stall starts again from zero', () => {
    const recovered = judgeRollout(
      observe({ pods: [pod('svc-new-1', NEW)], stuckSince: new Map([['svc-new-1/app', 0]]) }),
    );
    expect(recovered.stuckSince.size).toBe(0);
    const again = judgeRollout(
      observe({ pods: [pod('svc-new-1', NEW, 'CrashLoopBackOff')], stuckSince: recovered.stuckSince }),
    );
    expect(again.verdict.verdict).toBe('waiting');
  });
});
