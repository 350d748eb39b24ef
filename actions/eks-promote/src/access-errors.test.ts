import { KubeApiError } from '@bakeline/kube';
import { describe, expect, test } from 'vitest';
import { explainAccessError } from './access-errors.ts';

const context = { identity: 'role arn:aws:iam::123456789012:role/deploy-dev', cluster: 'main', namespace: 'test' };

describe('explainAccessError', () => {
  test.each([
    [
      401,
      'Cluster main did not accept role arn:aws:iam::123456789012:role/deploy-dev (401 Unauthorized): it has no EKS access entry there, or its token is expired or invalid',
    ],
    [
      403,
      "role arn:aws:iam::123456789012:role/deploy-dev has no access to namespace 'test' of cluster main (403 Forbidden): give it an EKS access entry with an access policy scoped to 'test' (or RBAC there); nothing was changed. GET /x: denied",
    ],
  ])('names the identity, cluster and namespace for %i', (status, message) => {
    const cause = new KubeApiError(status, 'GET /x: denied');
    const explained = explainAccessError(cause, context) as Error;
    expect(explained.message).toBe(message);
    expect(explained.cause).toBe(cause);
  });

  test('passes other errors through unchanged', () => {
    const conflict = new KubeApiError(409, 'conflict');
    const plain = new Error('boom');
    expect(explainAccessError(conflict, context)).toBe(conflict);
    expect(explainAccessError(plain, context)).toBe(plain);
  });
});
