import { RegistryError } from '@bakeline/oci';
import { describe, expect, it } from 'vitest';
import { ecrPermissionFor, explainRegistryError } from './registry-errors.ts';

const D = `sha256:${'b'.repeat(64)}`;

describe('ecrPermissionFor', () => {
  it.each([
    [`registry r: put manifest r/svc@${D}: 403 Forbidden`, 'ecr:PutImage'],
    [`registry r: resolve svc:v1: 403`, 'ecr:BatchGetImage'],
    [`registry r: check blob ${D} in svc: 403`, 'ecr:BatchCheckLayerAvailability'],
    [
      `registry r: blob sha256:bbbb (1 MB): start upload: 403`,
      'ecr:InitiateLayerUpload, ecr:UploadLayerPart and ecr:CompleteLayerUpload',
    ],
  ])('%s needs %s', (message, permission) => {
    expect(ecrPermissionFor(message)).toBe(permission);
  });
});

describe('explainRegistryError', () => {
  it('names the permission ECR says is missing', () => {
    const error = new RegistryError(
      `registry r: put manifest r/svc@${D}: 403 Forbidden: DENIED: User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/svc`,
      403,
      'DENIED',
    );
    const explained = explainRegistryError(error, 'r/svc') as Error;
    expect(explained.message).toMatch(
      /^ECR refused the push to r\/svc: the role lacks ecr:PutImage: add it to the role's policy/,
    );
    expect(explained.message).toContain('The registry said: registry r: put manifest');
    expect(explained.cause).toBe(error);
  });

  it('leaves other errors alone', () => {
    const error = new Error('boom');
    expect(explainRegistryError(error, 'r/svc')).toBe(error);
    const server = new RegistryError('registry r: put manifest: 500', 500);
    expect(explainRegistryError(server, 'r/svc')).toBe(server);
  });
});
