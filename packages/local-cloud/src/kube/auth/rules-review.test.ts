import { describe, expect, test } from 'vitest';
import { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { ObjectStore } from '../api/store.ts';
import { RbacAuthorizer } from './rbac.ts';
import {
  rbacRuleResolver,
  rulesReviewStatus,
  unionRuleResolver,
  WEBHOOK_RULES_UNSUPPORTED,
  webhookRuleResolver,
} from './rules-review.ts';

const rbacDef = (resource: string) => findResource('rbac.authorization.k8s.io', 'v1', resource) as ResourceDef;
const alice = { username: 'alice', groups: ['deployers', 'system:authenticated'] };

function cluster() {
  const store = new ObjectStore({ now: () => new Date('2026-12-03T12:00:00Z') });
  const api = new ObjectApi(store);
  const create = (resource: string, namespace: string | undefined, body: object) =>
    api.create(rbacDef(resource), namespace, body, { fieldValidation: 'Strict' });
  api.create(
    findResource('', 'v1', 'namespaces') as ResourceDef,
    undefined,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
    { fieldValidation: 'Strict' },
  );
  create('clusterroles', undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ],
  });
  create('rolebindings', 'dev', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'deployers-read', namespace: 'dev' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'deployers' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
  });
  create('rolebindings', 'dev', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'dangling', namespace: 'dev' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gone' },
  });
  return new RbacAuthorizer(store);
}

describe('SelfSubjectRulesReview status', () => {
  test('lists the RBAC rules of the namespace, split into resource and non-resource rules', () => {
    const status = rulesReviewStatus(rbacRuleResolver(cluster()).rulesFor(alice, 'dev'));
    expect(status).toStrictEqual({
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "gone" not found',
    });
  });

  test('lists nothing of another namespace', () => {
    expect(rulesReviewStatus(rbacRuleResolver(cluster()).rulesFor(alice, 'prod'))).toStrictEqual({
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
    });
  });

  test('with EKS access policies (a webhook authorizer) the list is incomplete, with the webhook error', () => {
    const union = unionRuleResolver(webhookRuleResolver, rbacRuleResolver(cluster()));
    const status = rulesReviewStatus(union.rulesFor(alice, 'dev'));
    expect(status.incomplete).toBe(true);
    expect(status.resourceRules).toHaveLength(1);
    expect(status.evaluationError).toBe(
      `[${WEBHOOK_RULES_UNSUPPORTED}, role.rbac.authorization.k8s.io "gone" not found]`,
    );
  });
});
