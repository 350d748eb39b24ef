import { describe, expect, test } from 'vitest';
import { forbiddenMessage, ruleAllows } from './rbac.ts';
import type { RequestAttributes } from './user.ts';

function attrs(partial: Partial<RequestAttributes>): RequestAttributes {
  return {
    user: { username: 'alice', groups: ['deployers', 'system:authenticated'] },
    verb: 'get',
    resourceRequest: true,
    path: '',
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    subresource: '',
    namespace: 'dev',
    name: 'web',
    ...partial,
  };
}

describe('RBAC rules', () => {
  const rule = { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'patch'] };
  test.each([
    [{}, true],
    [{ verb: 'delete' }, false],
    [{ group: '', resource: 'pods' }, false],
    [{ subresource: 'scale', verb: 'patch' }, true],
    [{ subresource: 'status', verb: 'patch' }, false],
  ])('%j -> %s', (partial, allowed) => {
    expect(ruleAllows(rule, attrs(partial))).toBe(allowed);
  });
  test('resourceNames restrict to named objects', () => {
    const named = { ...rule, resourceNames: ['web'] };
    expect(ruleAllows(named, attrs({}))).toBe(true);
    expect(ruleAllows(named, attrs({ name: 'api' }))).toBe(false);
    expect(ruleAllows(named, attrs({ name: '', verb: 'get' }))).toBe(false);
  });
  test('wildcards and */subresource', () => {
    expect(ruleAllows({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, attrs({ verb: 'deletecollection' }))).toBe(
      true,
    );
    expect(
      ruleAllows(
        { apiGroups: [''], resources: ['*/log'], verbs: ['get'] },
        attrs({ group: '', resource: 'pods', subresource: 'log' }),
      ),
    ).toBe(true);
  });
  test('non-resource URLs match exactly or by a trailing *', () => {
    const r = { nonResourceURLs: ['/version', '/apis/*'], verbs: ['get'] };
    expect(ruleAllows(r, attrs({ resourceRequest: false, path: '/version' }))).toBe(true);
    expect(ruleAllows(r, attrs({ resourceRequest: false, path: '/apis/apps/v1' }))).toBe(true);
    expect(ruleAllows(r, attrs({ resourceRequest: false, path: '/api' }))).toBe(false);
  });
});

describe('the 403 message', () => {
  test.each([
    [
      { verb: 'patch' },
      'deployments.apps "web" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "dev"',
    ],
    [
      { verb: 'list', name: '' },
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "dev"',
    ],
    [
      { group: '', resource: 'pods', subresource: 'log' },
      'pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "dev"',
    ],
    [
      { group: '', resource: 'namespaces', namespace: '', name: '', verb: 'list' },
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    ],
    [{ resourceRequest: false, path: '/apis' }, 'forbidden: User "alice" cannot get path "/apis"'],
  ])('%j', (partial, message) => {
    expect(forbiddenMessage(attrs(partial))).toBe(message);
  });
});
