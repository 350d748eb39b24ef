// Waits for a Deployment rollout with exactly kubectl's conditions (rollout-status.ts), driven
// by watches on the Deployment and its pods; fails fast when new pods are stuck
// (CrashLoopBackOff, ImagePullBackOff, ErrImagePull) past a grace period, which kubectl does not.
import { type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { KubeClient } from './client.ts';
import type { StuckContainer } from './pod-health.ts';
import { selectorString } from './resources.ts';
import { rolloutState } from './rollout-status.ts';
import { judgeRollout } from './rollout-verdict.ts';
import type { Deployment, Pod } from './types.ts';
import { watchResumable } from './watch.ts';

export type RolloutFailure = 'progress-deadline' | 'stuck-pods' | 'timeout' | 'cancelled';

export class RolloutFailedError extends Error {
  readonly failure: RolloutFailure;
  readonly stuck: StuckContainer[];
  constructor(failure: RolloutFailure, message: string, stuck: StuckContainer[] = []) {
    super(message);
    this.name = 'RolloutFailedError';
    this.failure = failure;
    this.stuck = stuck;
  }
}

export interface WaitRolloutOptions {
  client: KubeClient;
  deployment: Deployment;
  /** Pods whose containers run one of these images are the new ones. */
  newImages: string[];
  timeoutMs: number;
  /** How long a new pod may stay stuck before the rollout fails (default 45 s). */
  stuckGraceMs?: number;
  logger: Logger;
  signal?: AbortSignal;
  now?: () => number;
}

export async function waitForRollout(options: WaitRolloutOptions): Promise<Deployment> {
  const { client, logger } = options;
  const name = options.deployment.metadata.name;
  const namespace = options.deployment.metadata.namespace ?? 'default';
  const now = options.now ?? Date.now;
  const grace = options.stuckGraceMs ?? 45_000;
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const pods = new Map<string, Pod>();
  let stuckSince = new Map<string, number>();
  let latest = options.deployment;
  let lastMessage = '';

  return new Promise<Deployment>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', stop);
      controller.abort();
      if (error) reject(error);
      else resolve(latest);
    };
    const evaluate = () => {
      if (settled) return;
      if (options.signal?.aborted) {
        const state = rolloutState(latest).message;
        finish(
          new RolloutFailedError(
            'cancelled',
            `stopped waiting for deployment "${name}" (cancelled); its rollout goes on where it was: ${state}`,
          ),
        );
        return;
      }
      const judged = judgeRollout({
        deployment: latest,
        pods: pods.values(),
        newImages: options.newImages,
        now: now(),
        graceMs: grace,
        stuckSince,
      });
      stuckSince = judged.stuckSince;
      const { verdict } = judged;
      if (verdict.verdict !== 'stuck-pods' && verdict.message !== lastMessage) {
        lastMessage = verdict.message;
        const s = latest.status ?? {};
        // the message quotes the Deployment's conditions, text from the cluster
        logger.info(
          neutralizeWorkflowCommands(
            `${namespace}/${name}: ${verdict.message} (updated ${s.updatedReplicas ?? 0}, ready ${s.readyReplicas ?? 0}, available ${s.availableReplicas ?? 0} of ${latest.spec.replicas ?? 1})`,
          ),
        );
      }
      if (verdict.verdict === 'complete') return finish(undefined);
      if (verdict.verdict === 'progress-deadline')
        return finish(new RolloutFailedError('progress-deadline', verdict.message));
      if (verdict.verdict === 'stuck-pods')
        return finish(new RolloutFailedError('stuck-pods', verdict.message, verdict.stuck));
    };
    const deadline = setTimeout(
      () =>
        finish(
          new RolloutFailedError(
            'timeout',
            `deployment "${name}" did not roll out within ${options.timeoutMs} ms: ${lastMessage}`,
          ),
        ),
      options.timeoutMs,
    );
    // Re-evaluates local state (the stuck-pod grace period); no API calls.
    const ticker = setInterval(evaluate, 1000);
    const common = { client, signal: controller.signal, logger };
    watchResumable<Deployment>(
      {
        ...common,
        path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
        query: { fieldSelector: `metadata.name=${name}` },
      },
      (event) => {
        if (event.type !== 'DELETED') latest = event.object;
        evaluate();
      },
    ).catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    watchResumable<Pod>(
      {
        ...common,
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        query: { labelSelector: selectorString(options.deployment.spec.selector.matchLabels) },
      },
      (event) => {
        if (event.type === 'DELETED') pods.delete(event.object.metadata.name);
        else pods.set(event.object.metadata.name, event.object);
        evaluate();
      },
    ).catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    evaluate();
  });
}
