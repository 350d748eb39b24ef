// Rolls a Deployment back the way `kubectl rollout undo` does: the pod template of the
// ReplicaSet with the highest revision below the current one (its pod-template-hash label
// removed), sent as a JSON patch together with that ReplicaSet's annotations.
import { type KubeClient, PatchType } from './client.ts';
import { ownedReplicaSets, patchDeployment, revisionOf } from './resources.ts';
import type { Deployment, ReplicaSet } from './types.ts';

const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export function previousReplicaSet(deployment: Deployment, sets: ReplicaSet[]): ReplicaSet | undefined {
  const current = revisionOf(deployment);
  return sets.filter((rs) => revisionOf(rs) < current).sort((a, b) => revisionOf(b) - revisionOf(a))[0];
}

export function undoPatch(deployment: Deployment, target: ReplicaSet): unknown[] {
  const template = structuredClone(target.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  }
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) {
    if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  }
  return [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
}

export interface UndoResult {
  deployment: Deployment;
  toRevision: number;
  images: string[];
}

/** A Deployment whose only revision is the one that failed (e.g. the manifests just created it). */
export class NoPreviousRevisionError extends Error {
  constructor(name: string) {
    super(`deployment ${name}: no previous revision to roll back to`);
    this.name = 'NoPreviousRevisionError';
  }
}

export async function rollbackDeployment(client: KubeClient, deployment: Deployment): Promise<UndoResult> {
  const target = previousReplicaSet(deployment, await ownedReplicaSets(client, deployment));
  if (!target) {
    throw new NoPreviousRevisionError(deployment.metadata.name);
  }
  const updated = await patchDeployment(
    client,
    deployment.metadata.namespace ?? 'default',
    deployment.metadata.name,
    undoPatch(deployment, target),
    PatchType.json,
  );
  return {
    deployment: updated,
    toRevision: revisionOf(target),
    images: target.spec.template.spec.containers.map((c) => c.image),
  };
}
