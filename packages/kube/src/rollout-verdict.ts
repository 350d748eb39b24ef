// The wait's decision, as a pure function of what the watches have shown: kubectl's rollout
// status conditions first (complete, or failed at the progress deadline), then bakeline's own
// rule: a new pod stuck (CrashLoopBackOff, ImagePullBackOff, ...) for longer than the grace
// period fails the rollout early. Only pods running one of the new images count; each stuck
// container has its own clock, which starts when it is first seen stuck and stops when it recovers.
import { type StuckContainer, stuckContainers } from './pod-health.ts';
import { rolloutState } from './rollout-status.ts';
import type { Deployment, Pod } from './types.ts';

export type RolloutVerdict =
  | { verdict: 'complete'; message: string }
  | { verdict: 'waiting'; message: string }
  | { verdict: 'progress-deadline'; message: string }
  | { verdict: 'stuck-pods'; message: string; stuck: StuckContainer[] };

export interface RolloutObservation {
  deployment: Deployment;
  pods: Iterable<Pod>;
  /** pods whose containers run one of these images are the new ones */
  newImages: readonly string[];
  now: number;
  graceMs: number;
  /** `pod/container` -> when it was first seen stuck (from the previous judgement) */
  stuckSince: ReadonlyMap<string, number>;
}

export function judgeRollout(o: RolloutObservation): { verdict: RolloutVerdict; stuckSince: Map<string, number> } {
  const state = rolloutState(o.deployment);
  if (state.phase === 'complete')
    return { verdict: { verdict: 'complete', message: state.message }, stuckSince: new Map() };
  if (state.phase === 'failed')
    return { verdict: { verdict: 'progress-deadline', message: state.message }, stuckSince: new Map() };
  const newPods = [...o.pods].filter((p) => p.spec.containers.some((c) => o.newImages.includes(c.image)));
  const stuck = stuckContainers(newPods);
  const since = new Map<string, number>();
  for (const s of stuck) {
    const key = `${s.pod}/${s.container}`;
    since.set(key, o.stuckSince.get(key) ?? o.now);
  }
  const expired = stuck.filter((s) => o.now - (since.get(`${s.pod}/${s.container}`) ?? o.now) >= o.graceMs);
  if (expired.length === 0) return { verdict: { verdict: 'waiting', message: state.message }, stuckSince: since };
  const what = expired
    .map((s) => `${s.pod}/${s.container} ${s.reason}${s.message ? ` (${s.message})` : ''}`)
    .join('; ');
  return {
    verdict: {
      verdict: 'stuck-pods',
      message: `new pods of deployment "${o.deployment.metadata.name}" are stuck: ${what}`,
      stuck: expired,
    },
    stuckSince: since,
  };
}
