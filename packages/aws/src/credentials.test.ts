import { describe, expect, it } from 'vitest';
import { environmentCredentials, explainAssumeRoleError } from './credentials.ts';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('explainAssumeRoleError', () => {
  it.each([
    [
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      "subject 'repo:o/r:ref:refs/heads/feature'",
    ],
    ['ExpiredTokenException', 'Token expired', 'has expired'],
    ['InvalidIdentityToken', 'Incorrect token audience', "check the 'audience' input"],
  ])('%s says what to change and keeps the STS message', (name, message, advice) => {
    const token = jwt({ sub: 'repo:o/r:ref:refs/heads/feature', aud: 'sts.amazonaws.com' });
    const error = explainAssumeRoleError(named(name, message), 'arn:aws:iam::123456789012:role/push', token);
    expect(error.message).toMatch(/^Could not assume role arn:aws:iam::123456789012:role\/push: /);
    expect(error.message).toContain(advice);
    expect(error.message).toContain(message);
  });
});

describe('environmentCredentials', () => {
  it('masks the secret and the session token, and says what to do when none are set', async () => {
    const masked: string[] = [];
    const provider = environmentCredentials(
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's3cr3t', AWS_SESSION_TOKEN: 'tok' },
      (s) => masked.push(s),
    );
    expect(await provider()).toEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t', sessionToken: 'tok' });
    expect(masked).toEqual(['s3cr3t', 'tok']);
    await expect(environmentCredentials({}, () => {})()).rejects.toThrow(/give 'role-to-assume'/);
  });
});

describe('parseEcrImage', () => {
  it('reads ECR references and leaves other registries alone', async () => {
    const { parseEcrImage } = await import('./ecr-image.ts');
    expect(parseEcrImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/ostock/licensing-service:1.2.3')).toEqual({
      registryId: '123456789012',
      region: 'eu-west-1',
      repository: 'ostock/licensing-service',
      tag: '1.2.3',
    });
    expect(parseEcrImage('127.0.0.1:5000/ostock/licensing-service:1.2.3')).toBeUndefined();
    expect(parseEcrImage(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc@sha256:${'a'.repeat(64)}`)).toBeUndefined();
  });
});

describe('findingsAtOrAbove', () => {
  it('keeps the severities at or above the threshold', async () => {
    const { findingsAtOrAbove } = await import('./ecr.ts');
    expect(findingsAtOrAbove({ LOW: 3, HIGH: 1, CRITICAL: 0 }, 'HIGH')).toEqual({ HIGH: 1 });
    expect(findingsAtOrAbove({ LOW: 3 }, 'MEDIUM')).toEqual({});
    expect(findingsAtOrAbove({ MEDIUM: 2, CRITICAL: 1 }, 'LOW')).toEqual({ MEDIUM: 2, CRITICAL: 1 });
  });
});
