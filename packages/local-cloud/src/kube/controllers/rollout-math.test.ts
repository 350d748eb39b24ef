import { describe, expect, test } from 'vitest';
import { canonicalJson, podTemplateHash, sameTemplate } from './pod-template-hash.ts';
import {
  calculateStatus,
  deploymentProgressing,
  deploymentTimedOut,
  newReplicaSetReplicas,
  oldReplicaSetScaleDown,
  replicaSetsToClean,
  resolveFenceposts,
} from './rollout-math.ts';
import type { Deployment, ReplicaSet } from './types.ts';

function deployment(
  replicas: number,
  maxSurge: number | string,
  maxUnavailable: number | string,
  extra: Partial<Deployment['spec']> = {},
): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'dev',
      uid: 'd1',
      resourceVersion: '1',
      creationTimestamp: '2026-01-01T00:00:00Z',
      generation: 2,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'r/web@sha256:1' }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
      progressDeadlineSeconds: 10,
      ...extra,
    },
  };
}

function rs(name: string, replicas: number, available: number, created: string, revision = '1'): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'dev',
      uid: name,
      resourceVersion: '1',
      creationTimestamp: created,
      annotations: { 'deployment.kubernetes.io/revision': revision },
    },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

describe('resolveFenceposts', () => {
  test.each([
    [3, 1, 0, 1, 0],
    [4, '25%', '25%', 1, 1],
    [10, '25%', '25%', 3, 2],
    [3, 0, 0, 0, 1],
    [1, '50%', '50%', 1, 0],
  ])('%d replicas, surge %s, unavailable %s -> %d/%d', (replicas, surge, unavailable, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(deployment(replicas, surge, unavailable))).toEqual({
      maxSurge: wantSurge,
      maxUnavailable: wantUnavailable,
    });
  });
});

describe('rolling update with 3 replicas, maxSurge 1, maxUnavailable 0', () => {
  const d = deployment(3, 1, 0);
  test('the new ReplicaSet grows by one while the old one holds 3', () => {
    const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 0, 0, '2026-01-01T00:01:00Z', '2');
    expect(newReplicaSetReplicas(d, [old, fresh], fresh)).toBe(1);
  });
  test('the new ReplicaSet does not grow past 4 pods in total', () => {
    const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 1, 0, '2026-01-01T00:01:00Z', '2');
    expect(newReplicaSetReplicas(d, [old, fresh], fresh)).toBe(1);
  });
  test('old pods are not scaled down before a new pod is available', () => {
    const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 1, 0, '2026-01-01T00:01:00Z', '2');
    expect(oldReplicaSetScaleDown(d, [old, fresh], [old], fresh)).toEqual([]);
  });
  test('one old pod goes once a new pod is available', () => {
    const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 1, 1, '2026-01-01T00:01:00Z', '2');
    expect(oldReplicaSetScaleDown(d, [old, fresh], [old], fresh)).toEqual([{ name: 'old', replicas: 2 }]);
  });
  test('unavailable old pods are cleaned up first', () => {
    const old = rs('old', 3, 1, '2026-01-01T00:00:00Z');
    const fresh = rs('new', 1, 1, '2026-01-01T00:01:00Z', '2');
    // 4 pods, minAvailable 3, new unavailable 0 -> up to 1 may go; an unhealthy old one goes.
    expect(oldReplicaSetScaleDown(d, [old, fresh], [old], fresh)).toEqual([{ name: 'old', replicas: 2 }]);
  });
});

describe('scale down with maxUnavailable 1 and several old ReplicaSets', () => {
  test('the oldest ReplicaSet is scaled down first', () => {
    const d = deployment(4, 0, 1);
    const a = rs('a', 2, 2, '2026-01-01T00:00:00Z');
    const b = rs('b', 2, 2, '2026-01-01T00:00:30Z', '2');
    const fresh = rs('new', 0, 0, '2026-01-01T00:01:00Z', '3');
    expect(oldReplicaSetScaleDown(d, [a, b, fresh], [a, b], fresh)).toEqual([{ name: 'a', replicas: 1 }]);
  });
});

describe('status and conditions', () => {
  test('Available follows minimum availability (desired - maxUnavailable)', () => {
    const d = deployment(3, 1, 0);
    const status = calculateStatus(d, [rs('old', 3, 2, '2026-01-01T00:00:00Z')], undefined, '2026-01-01T00:00:10Z');
    expect(status.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    expect(status).toMatchObject({ replicas: 3, availableReplicas: 2, unavailableReplicas: 1, observedGeneration: 2 });
  });
  test('progress is more updated, fewer old, more ready or more available replicas', () => {
    const d = deployment(3, 1, 0);
    d.status = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };
    expect(deploymentProgressing(d, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 })).toBe(
      false,
    );
    expect(deploymentProgressing(d, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 })).toBe(
      true,
    );
    expect(deploymentProgressing(d, { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 })).toBe(
      true,
    );
  });
  test.each([
    ['ReplicaSetUpdated', '2026-01-01T00:00:00Z', '2026-01-01T00:00:11Z', true],
    ['ReplicaSetUpdated', '2026-01-01T00:00:00Z', '2026-01-01T00:00:09Z', false],
    ['NewReplicaSetAvailable', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z', false],
    ['ProgressDeadlineExceeded', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', true],
  ])('Progressing %s updated %s, now %s: timed out = %s', (reason, updated, now, expected) => {
    const d = deployment(3, 1, 0);
    const status = { conditions: [{ type: 'Progressing', status: 'True' as const, reason, lastUpdateTime: updated }] };
    expect(deploymentTimedOut(d, status, Date.parse(now))).toBe(expected);
  });
  test('revisionHistoryLimit removes the oldest fully scaled-down ReplicaSets', () => {
    const d = deployment(3, 1, 0, { revisionHistoryLimit: 1 });
    const old = [
      rs('r1', 0, 0, '2026-01-01T00:00:00Z', '1'),
      rs('r3', 0, 0, '2026-01-01T00:02:00Z', '3'),
      rs('r2', 0, 0, '2026-01-01T00:01:00Z', '2'),
      rs('busy', 1, 1, '2026-01-01T00:00:00Z', '4'),
    ];
    expect(replicaSetsToClean(d, old).map((r) => r.metadata.name)).toEqual(['r1', 'r2']);
  });
});

describe('pod-template-hash', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'a' }] } };
  test('is independent of key order and of the hash label itself', () => {
    const reordered = {
      spec: { containers: [{ image: 'a', name: 'web' }] },
      metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } },
    };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(template));
    expect(sameTemplate(reordered, template)).toBe(true);
  });
  test('changes with the image and with the collision count', () => {
    const other = structuredClone(template);
    other.spec.containers[0] = { name: 'web', image: 'b' };
    expect(podTemplateHash(other)).not.toBe(podTemplateHash(template));
    expect(podTemplateHash(template, 1)).not.toBe(podTemplateHash(template));
    expect(podTemplateHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
  test('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
