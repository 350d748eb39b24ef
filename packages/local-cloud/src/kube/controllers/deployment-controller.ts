// The deployment controller: one ReplicaSet per pod template (named by its pod-template-hash),
// revisions (a rollback re-uses the old ReplicaSet and gives it the next revision), rolling
// update within maxSurge/maxUnavailable (or Recreate), revisionHistoryLimit, status with
// observedGeneration, the Available and Progressing conditions and ProgressDeadlineExceeded.
import type { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { matchesRequirements, selectorRequirements } from '../api/selectors.ts';
import { KubeStatusError } from '../api/status.ts';
import type { Obj } from '../api/store.ts';
import type { EventRecorder } from './events.ts';
import { POD_TEMPLATE_HASH, podTemplateHash, sameTemplate } from './pod-template-hash.ts';
import {
  ANNOTATIONS_NOT_COPIED,
  calculateStatus,
  condition,
  DESIRED_REPLICAS,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  MAX_REPLICAS,
  newReplicaSetReplicas,
  oldReplicaSetScaleDown,
  REVISION,
  REVISION_HISTORY,
  removeCondition,
  replicaSetsToClean,
  resolveFenceposts,
  revisionOf,
  setCondition,
  specReplicas,
} from './rollout-math.ts';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from './types.ts';

export const deploymentsDef = findResource('apps', 'v1', 'deployments') as ResourceDef;
export const replicaSetsDef = findResource('apps', 'v1', 'replicasets') as ResourceDef;
const podsDef = findResource('', 'v1', 'pods') as ResourceDef;

export interface DeploymentControllerDeps {
  api: ObjectApi;
  events: EventRecorder;
  /** re-run this deployment's sync after a delay (deadline checks) */
  requeueAfter: (namespace: string, name: string, delayMs: number) => void;
}

function isControlledBy(
  o: { metadata: { ownerReferences?: { uid: string; controller?: boolean }[] } },
  uid: string,
): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
}

export class DeploymentController {
  readonly #deps: DeploymentControllerDeps;

  constructor(deps: DeploymentControllerDeps) {
    this.#deps = deps;
  }

  get #store() {
    return this.#deps.api.store;
  }

  #now(): string {
    return this.#deps.api.now();
  }

  async sync(namespace: string, name: string): Promise<void> {
    const d = this.#store.get(deploymentsDef, namespace, name) as unknown as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    const requirements = selectorRequirements(d.spec.selector);
    const rsList = (this.#store.list(replicaSetsDef, namespace) as unknown as ReplicaSet[]).filter(
      (rs) => isControlledBy(rs, d.metadata.uid) && !rs.metadata.deletionTimestamp,
    );
    if (requirements.length === 0) return;
    if (d.spec.paused) {
      const { newRs, oldRss } = this.#findReplicaSets(d, rsList);
      await this.#syncStatusOnly(d, newRs ? [...oldRss, newRs] : oldRss, newRs);
      return;
    }
    if (d.spec.strategy?.type === 'Recreate') {
      await this.#rolloutRecreate(d, rsList);
      return;
    }
    await this.#rolloutRolling(d, rsList);
  }

  #findReplicaSets(d: Deployment, rsList: ReplicaSet[]): { newRs: ReplicaSet | undefined; oldRss: ReplicaSet[] } {
    // The oldest ReplicaSet with the deployment's template is the new one (FindNewReplicaSet).
    const matching = rsList
      .filter((rs) => sameTemplate(rs.spec.template, d.spec.template))
      .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
    const newRs = matching[0];
    return { newRs, oldRss: rsList.filter((rs) => rs !== newRs) };
  }

  /** getAllReplicaSetsAndSyncRevision with createIfNotExisted. */
  async #newReplicaSet(
    d: Deployment,
    rsList: ReplicaSet[],
    create: boolean,
  ): Promise<{ d: Deployment; newRs: ReplicaSet | undefined; oldRss: ReplicaSet[] }> {
    const { newRs: existing, oldRss } = this.#findReplicaSets(d, rsList);
    const maxOld = oldRss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    const newRevision = String(maxOld + 1);
    const now = this.#now();
    if (existing) {
      const rs = structuredClone(existing);
      const annotationsChanged = this.#setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      let updated = existing;
      if (annotationsChanged || (rs.spec.minReadySeconds ?? 0) !== minReady) {
        rs.spec.minReadySeconds = minReady;
        updated = this.#write(replicaSetsDef, rs) as unknown as ReplicaSet;
      }
      let dd = d;
      const revision = updated.metadata.annotations?.[REVISION] ?? newRevision;
      const needsRevision = d.metadata.annotations?.[REVISION] !== revision;
      const status: DeploymentStatus = structuredClone(d.status ?? {});
      const hasProgressing = getCondition(status, 'Progressing') !== undefined;
      if (needsRevision) {
        const copy = structuredClone(d);
        copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: revision };
        dd = this.#write(deploymentsDef, copy) as unknown as Deployment;
      }
      if (!hasProgressing && d.spec.progressDeadlineSeconds !== undefined) {
        setCondition(
          status,
          condition(
            'Progressing',
            'True',
            'FoundNewReplicaSet',
            `Found new replica set "${updated.metadata.name}"`,
            now,
          ),
        );
        const copy = structuredClone(dd);
        copy.status = status;
        dd = this.#writeStatus(copy);
      }
      return { d: dd, newRs: updated, oldRss };
    }
    if (!create) return { d, newRs: undefined, oldRss };

    const collision = d.status?.collisionCount ?? 0;
    const hash = podTemplateHash(d.spec.template, collision);
    const template = structuredClone(d.spec.template);
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
    };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace ?? '',
        labels: { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: d.metadata.name,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      } as unknown as ReplicaSet['metadata'],
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const all = [...oldRss, rs];
    rs.spec.replicas = newReplicaSetReplicas(d, all, rs);
    this.#setNewReplicaSetAnnotations(d, rs, newRevision, false);
    this.#setReplicasAnnotations(d, rs);
    let created: ReplicaSet;
    try {
      created = this.#deps.api.create(replicaSetsDef, d.metadata.namespace, rs, { fieldValidation: 'Strict' })
        .object as unknown as ReplicaSet;
    } catch (error: unknown) {
      if (error instanceof KubeStatusError && error.code === 409) {
        const other = this.#store.get(replicaSetsDef, d.metadata.namespace, rs.metadata.name) as unknown as
          | ReplicaSet
          | undefined;
        if (other && isControlledBy(other, d.metadata.uid) && sameTemplate(other.spec.template, d.spec.template)) {
          return { d, newRs: other, oldRss };
        }
        // A hash collision: count it; the next sync names the ReplicaSet differently.
        const copy = structuredClone(d);
        copy.status = { ...(copy.status ?? {}), collisionCount: collision + 1 };
        this.#writeStatus(copy);
      }
      throw error;
    }
    if ((created.spec.replicas ?? 0) > 0) {
      this.#deps.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${created.spec.replicas}`,
      );
    }
    let dd = d;
    const copy = structuredClone(d);
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: newRevision };
    dd = this.#write(deploymentsDef, copy) as unknown as Deployment;
    if (d.spec.progressDeadlineSeconds !== undefined) {
      const status = structuredClone(dd.status ?? {});
      setCondition(
        status,
        condition(
          'Progressing',
          'True',
          'NewReplicaSetCreated',
          `Created new replica set "${created.metadata.name}"`,
          now,
        ),
      );
      const withStatus = structuredClone(dd);
      withStatus.status = status;
      dd = this.#writeStatus(withStatus);
    }
    return { d: dd, newRs: created, oldRss };
  }

  /** SetNewReplicaSetAnnotations: copies the deployment's annotations and sets the revision. */
  #setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean): boolean {
    const before = JSON.stringify(rs.metadata.annotations ?? {});
    const annotations = { ...(rs.metadata.annotations ?? {}) };
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
      if (!ANNOTATIONS_NOT_COPIED.has(k)) annotations[k] = v;
    }
    const oldRevision = annotations[REVISION];
    if (oldRevision === undefined || Number(oldRevision) < Number(newRevision)) {
      annotations[REVISION] = newRevision;
      if (oldRevision !== undefined && exists) {
        const history = annotations[REVISION_HISTORY];
        annotations[REVISION_HISTORY] = history ? `${history},${oldRevision}` : oldRevision;
      }
    }
    rs.metadata.annotations = annotations;
    return JSON.stringify(annotations) !== before;
  }

  #setReplicasAnnotations(d: Deployment, rs: ReplicaSet): void {
    const desired = d.spec.replicas ?? 1;
    rs.metadata.annotations = {
      ...(rs.metadata.annotations ?? {}),
      [DESIRED_REPLICAS]: String(desired),
      [MAX_REPLICAS]: String(desired + resolveFenceposts(d).maxSurge),
    };
  }

  #write(def: ResourceDef, o: unknown): Obj {
    const meta = (o as { metadata: { namespace?: string; name: string } }).metadata;
    return this.#deps.api.update(def, meta.namespace, meta.name, o, { fieldValidation: 'Strict' }).object;
  }

  #writeStatus(d: Deployment): Deployment {
    return this.#deps.api.update(
      deploymentsDef,
      d.metadata.namespace,
      d.metadata.name,
      d,
      { fieldValidation: 'Strict' },
      'status',
    ).object as unknown as Deployment;
  }

  #scale(d: Deployment, rs: ReplicaSet, replicas: number): ReplicaSet {
    const from = specReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    this.#setReplicasAnnotations(d, copy);
    const updated = this.#write(replicaSetsDef, copy) as unknown as ReplicaSet;
    if (from !== replicas) {
      const direction = replicas > from ? 'up' : 'down';
      this.#deps.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      );
    }
    return updated;
  }

  async #rolloutRolling(d0: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { d, newRs: newRs0, oldRss } = await this.#newReplicaSet(d0, rsList, true);
    let newRs = newRs0;
    let all = newRs ? [...oldRss, newRs] : [...oldRss];
    const desired = d.spec.replicas ?? 1;
    // reconcileNewReplicaSet
    if (newRs && specReplicas(newRs) !== desired) {
      const target = specReplicas(newRs) > desired ? desired : newReplicaSetReplicas(d, all, newRs);
      if (target !== specReplicas(newRs)) {
        newRs = this.#scale(d, newRs, target);
        all = [...oldRss, newRs];
        await this.#syncRolloutStatus(d, all, newRs);
        return;
      }
    }
    // reconcileOldReplicaSets
    const steps = oldReplicaSetScaleDown(d, all, oldRss, newRs);
    if (steps.length > 0) {
      const scaled = oldRss.map((rs) => {
        const step = steps.find((s) => s.name === rs.metadata.name);
        return step ? this.#scale(d, rs, step.replicas) : rs;
      });
      await this.#syncRolloutStatus(d, newRs ? [...scaled, newRs] : scaled, newRs);
      return;
    }
    const status = calculateStatus(d, all, newRs, this.#now());
    if (deploymentComplete(d, status)) {
      for (const rs of replicaSetsToClean(d, oldRss)) {
        try {
          this.#deps.api.delete(replicaSetsDef, rs.metadata.namespace, rs.metadata.name, {});
        } catch (error: unknown) {
          if (!(error instanceof KubeStatusError && error.code === 404)) throw error;
        }
      }
    }
    await this.#syncRolloutStatus(d, all, newRs);
  }

  async #rolloutRecreate(d0: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { d, newRs: newRs0, oldRss } = await this.#newReplicaSet(d0, rsList, false);
    let newRs = newRs0;
    const active = oldRss.filter((rs) => specReplicas(rs) > 0);
    if (active.length > 0) {
      const scaled = oldRss.map((rs) => (specReplicas(rs) > 0 ? this.#scale(d, rs, 0) : rs));
      await this.#syncRolloutStatus(d, newRs ? [...scaled, newRs] : scaled, newRs);
      return;
    }
    const oldPodsRunning = (this.#store.list(podsDef, d.metadata.namespace) as unknown as Pod[]).some(
      (p) =>
        oldRss.some((rs) => isControlledBy(p, rs.metadata.uid)) &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed',
    );
    if (oldPodsRunning) {
      await this.#syncRolloutStatus(d, oldRss, newRs);
      return;
    }
    let dd = d;
    if (!newRs) {
      const created = await this.#newReplicaSet(d, rsList, true);
      dd = created.d;
      newRs = created.newRs;
    }
    if (newRs && specReplicas(newRs) !== (dd.spec.replicas ?? 1)) newRs = this.#scale(dd, newRs, dd.spec.replicas ?? 1);
    await this.#syncRolloutStatus(dd, newRs ? [...oldRss, newRs] : oldRss, newRs);
  }

  async #syncStatusOnly(d: Deployment, all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(d, all, newRs, this.#now());
    if (JSON.stringify(status) === JSON.stringify(d.status ?? {})) return;
    const copy = structuredClone(d);
    copy.status = status;
    this.#writeStatus(copy);
  }

  /** syncRolloutStatus: the Progressing condition, then a status write or a deadline requeue. */
  async #syncRolloutStatus(d: Deployment, all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const now = this.#now();
    const nowMs = Date.parse(now);
    const status = calculateStatus(d, all, newRs, now);
    const rsName = newRs?.metadata.name ?? '';
    if (d.spec.progressDeadlineSeconds !== undefined && !d.spec.paused) {
      const current = getCondition(status, 'Progressing');
      if (deploymentComplete(d, status)) {
        setCondition(
          status,
          condition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
            now,
          ),
        );
      } else if (deploymentProgressing(d, status)) {
        const c = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now);
        if (current?.status === 'True' && current.lastTransitionTime) c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
        setCondition(status, c);
      } else if (deploymentTimedOut(d, status, nowMs)) {
        const before = getCondition(d.status, 'Progressing');
        setCondition(
          status,
          condition(
            'Progressing',
            'False',
            'ProgressDeadlineExceeded',
            `ReplicaSet "${rsName}" has timed out progressing.`,
            now,
          ),
        );
        if (before?.reason !== 'ProgressDeadlineExceeded') {
          this.#deps.events.record(
            d,
            'Warning',
            'ProgressDeadlineExceeded',
            `Deployment "${d.metadata.name}" has timed out progressing.`,
          );
        }
      }
    }
    if (JSON.stringify(status) === JSON.stringify(d.status ?? {})) {
      this.#requeueStuck(d, status, nowMs);
      return;
    }
    const copy = structuredClone(d);
    copy.status = status;
    const written = this.#writeStatus(copy);
    this.#requeueStuck(written, status, nowMs);
  }

  /** requeueStuckDeployment: check the deadline again when it would pass. */
  #requeueStuck(d: Deployment, status: DeploymentStatus, nowMs: number): void {
    const deadline = d.spec.progressDeadlineSeconds;
    const c = getCondition(status, 'Progressing');
    if (
      deadline === undefined ||
      !c ||
      c.reason === 'NewReplicaSetAvailable' ||
      c.reason === 'ProgressDeadlineExceeded'
    )
      return;
    if (deploymentComplete(d, status)) return;
    const from = Date.parse(c.lastUpdateTime ?? '');
    if (!Number.isFinite(from)) return;
    const after = from + deadline * 1000 - nowMs;
    this.#deps.requeueAfter(d.metadata.namespace ?? '', d.metadata.name, Math.max(0, after) + 1000);
  }

  /** Deployments that own or select a ReplicaSet (for requeueing on ReplicaSet changes). */
  ownersOf(rs: ReplicaSet): { namespace: string; name: string }[] {
    const owner = (rs.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Deployment');
    if (owner) return [{ namespace: rs.metadata.namespace ?? '', name: owner.name }];
    return (this.#store.list(deploymentsDef, rs.metadata.namespace) as unknown as Deployment[])
      .filter((d) => matchesRequirements(rs.metadata.labels, selectorRequirements(d.spec.selector)))
      .map((d) => ({ namespace: d.metadata.namespace ?? '', name: d.metadata.name }));
  }
}
