// Escalation prevention through the object API, as the API server's RBAC storage does it: a user
// may grant only what it holds, unless it may `bind` / `escalate` the role.
import { describe, expect, it } from 'vitest';
import { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { KubeStatusError } from '../api/status.ts';
import { ObjectStore } from '../api/store.ts';
import { RbacAuthorizer } from './rbac.ts';
import { RbacEscalationCheck } from './rbac-escalation.ts';
import type { UserInfo } from './user.ts';

const def = (group: string, resource: string) => findResource(group, 'v1', resource) as ResourceDef;
const RBAC = 'rbac.authorization.k8s.io';
const deployer: UserInfo = { username: 'deployer', groups: ['system:authenticated'] };
const admin: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

function cluster() {
  const store = new ObjectStore();
  const rbac = new RbacAuthorizer(store);
  const check = new RbacEscalationCheck(rbac, rbac);
  const api = new ObjectApi(store, { admission: [(w) => check.admit(w)] });
  api.create(def('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
  const clusterRole = (name: string, rules: unknown[]) =>
    api.create(def(RBAC, 'clusterroles'), undefined, {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name },
      rules,
    });
  // the deployer may manage Deployments and RoleBindings in dev, nothing else
  clusterRole('deployer', [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch', 'update'] },
    { apiGroups: [RBAC], resources: ['rolebindings', 'roles'], verbs: ['create', 'update', 'patch'] },
  ]);
  clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  clusterRole('deployment-reader', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }]);
  api.create(def(RBAC, 'rolebindings'), 'dev', {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'deployer', namespace: 'dev' },
    subjects: [{ kind: 'User', name: 'deployer', apiGroup: RBAC }],
    roleRef: { kind: 'ClusterRole', name: 'deployer', apiGroup: RBAC },
  });
  const bind = (user: UserInfo, role: string, options: { dryRun?: boolean } = {}) =>
    api.create(
      def(RBAC, 'rolebindings'),
      'dev',
      {
        apiVersion: `${RBAC}/v1`,
        kind: 'RoleBinding',
        metadata: { name: `to-${role}`, namespace: 'dev' },
        subjects: [{ kind: 'User', name: 'deployer', apiGroup: RBAC }],
        roleRef: { kind: 'ClusterRole', name: role, apiGroup: RBAC },
      },
      { requester: user, ...options },
    );
  const role = (user: UserInfo, rules: unknown[]) =>
    api.create(
      def(RBAC, 'roles'),
      'dev',
      { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'mine', namespace: 'dev' }, rules },
      { requester: user },
    );
  return { api, store, bind, role, clusterRole };
}

function refusal(act: () => unknown): { code: number; message: string } | undefined {
  try {
    act();
  } catch (error) {
    if (error instanceof KubeStatusError) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe('RBAC escalation prevention', () => {
  it('refuses a RoleBinding to a role with more rights than the caller, naming what it lacks, in a dry run too', () => {
    const { bind, store } = cluster();
    for (const dryRun of [false, true]) {
      expect(refusal(() => bind(deployer, 'cluster-admin', { dryRun }))).toEqual({
        code: 403,
        message:
          'rolebindings.rbac.authorization.k8s.io "to-cluster-admin" is forbidden: user "deployer" (groups=["system:authenticated"]) ' +
          'is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
      });
    }
    expect(store.get(def(RBAC, 'rolebindings'), 'dev', 'to-cluster-admin')).toBeUndefined();
  });

  it('allows a binding to a role the caller already holds, and anything to system:masters', () => {
    const { bind } = cluster();
    expect(refusal(() => bind(deployer, 'deployment-reader'))).toBeUndefined();
    expect(refusal(() => bind(admin, 'cluster-admin'))).toBeUndefined();
  });

  it('allows a binding the caller may `bind`, whatever the role holds', () => {
    const { bind, clusterRole, api } = cluster();
    clusterRole('binder', [
      { apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] },
    ]);
    api.create(def(RBAC, 'rolebindings'), 'dev', {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'binder', namespace: 'dev' },
      subjects: [{ kind: 'User', name: 'deployer', apiGroup: RBAC }],
      roleRef: { kind: 'ClusterRole', name: 'binder', apiGroup: RBAC },
    });
    expect(refusal(() => bind(deployer, 'cluster-admin'))).toBeUndefined();
  });

  it('refuses a Role that grants more than the caller holds, listing each missing permission', () => {
    const { role } = cluster();
    const r = refusal(() =>
      role(deployer, [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'delete', 'create'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      ]),
    );
    expect(r?.code).toBe(403);
    expect(r?.message.split('\n').slice(1)).toEqual([
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
      '{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete" "create"]}',
    ]);
    expect(
      refusal(() => role(deployer, [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }])),
    ).toBeUndefined();
  });

  it('refuses a binding to a role that does not exist with 404, as the RBAC storage does', () => {
    const { bind } = cluster();
    expect(refusal(() => bind(deployer, 'ghost'))).toEqual({
      code: 404,
      message: 'clusterroles.rbac.authorization.k8s.io "ghost" not found',
    });
  });
});
