import { describe, expect, it, test } from 'vitest';
import { accessDeniedMessage } from './access-denied.ts';
import { evaluatePolicies, evaluateTrust } from './evaluate.ts';
import { MalformedPolicyDocumentError, parsePolicy } from './policy.ts';

const REPO = 'arn:aws:ecr:eu-west-1:123456789012:repository';

const push = parsePolicy(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'Push',
        Effect: 'Allow',
        Action: ['ecr:Put*', 'ecr:BatchCheckLayerAvailability'],
        Resource: `${REPO}/ostock/*`,
      },
      { Sid: 'NoDelete', Effect: 'Deny', Action: 'ecr:*Delete*', Resource: '*' },
    ],
  },
  'identity',
);

describe('evaluatePolicies', () => {
  test.each([
    ['an allowed action on a matching repository', 'ecr:PutImage', `${REPO}/ostock/licensing`, 'allow', 'allowed'],
    ['actions case-insensitively', 'ECR:putimage', `${REPO}/ostock/licensing`, 'allow', 'allowed'],
    [
      'a repository outside the resource pattern',
      'ecr:PutImage',
      `${REPO}/other/licensing`,
      'deny',
      'no-identity-policy',
    ],
    ['resource patterns case-sensitively', 'ecr:PutImage', `${REPO}/OSTOCK/licensing`, 'deny', 'no-identity-policy'],
    ['an action no statement names', 'ecr:CreateRepository', `${REPO}/ostock/x`, 'deny', 'no-identity-policy'],
    ['an explicit deny over an allow', 'ecr:BatchDeleteImage', `${REPO}/ostock/x`, 'deny', 'explicit-deny'],
    ['GetAuthorizationToken on *', 'ecr:GetAuthorizationToken', '*', 'allow', 'allowed'],
    [
      'a wildcard that must not cross the region segment',
      'ecr:PutImage',
      'arn:aws:ecr:eu-west-1:123456789012:x/ostock/a',
      'deny',
      'no-identity-policy',
    ],
  ])('decides %s', (_name, action, resource, decision, reason) => {
    expect(evaluatePolicies([push], { action, resource })).toMatchObject({ decision, reason });
  });

  it('denies by default without any policy', () => {
    expect(evaluatePolicies([], { action: 'ecr:PutImage', resource: '*' })).toEqual({
      decision: 'deny',
      reason: 'no-identity-policy',
    });
  });

  it('needs the session policy to allow as well', () => {
    const session = parsePolicy(
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ecr:Batch*', Resource: '*' } },
      'session',
    );
    const request = { action: 'ecr:PutImage', resource: `${REPO}/ostock/a` };
    expect(evaluatePolicies([push], request, [session])).toMatchObject({
      decision: 'deny',
      reason: 'no-session-policy',
    });
    expect(
      evaluatePolicies([push], { ...request, action: 'ecr:BatchCheckLayerAvailability' }, [session]).decision,
    ).toBe('allow');
  });

  test.each([
    ['NotAction', { Effect: 'Deny', NotAction: ['ecr:Describe*'], Resource: '*' }, 'ecr:PutImage', 'deny'],
    [
      'NotAction that exempts',
      { Effect: 'Deny', NotAction: ['ecr:Describe*'], Resource: '*' },
      'ecr:DescribeImages',
      'allow',
    ],
    ['NotResource', { Effect: 'Deny', Action: '*', NotResource: [`${REPO}/ostock/*`] }, 'ecr:PutImage', 'allow'],
  ])('honours %s', (_name, statement, action, decision) => {
    const extra = parsePolicy({ Version: '2012-10-17', Statement: statement }, 'identity');
    const allowAll = parsePolicy(
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
      'identity',
    );
    expect(evaluatePolicies([allowAll, extra], { action, resource: `${REPO}/ostock/a` }).decision).toBe(decision);
  });

  test.each([
    [
      'StringEquals',
      { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      { 'aws:RequestedRegion': 'eu-west-1' },
      true,
    ],
    [
      'StringEquals on another value',
      { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      { 'aws:RequestedRegion': 'us-east-1' },
      false,
    ],
    ['StringEquals on a missing key', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, {}, false],
    ['StringNotEquals on a missing key', { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, {}, true],
    ['StringEqualsIfExists on a missing key', { StringEqualsIfExists: { 'aws:RequestedRegion': 'x' } }, {}, true],
    [
      'StringLike with *',
      { StringLike: { 'x:sub': 'repo:o/r:environment:*' } },
      { 'x:sub': 'repo:o/r:environment:prod' },
      true,
    ],
    ['StringLike with ?', { StringLike: { 'x:sub': 'v?' } }, { 'x:sub': 'v10' }, false],
    [
      'a key looked up case-insensitively',
      { StringEquals: { 'AWS:requestedregion': 'a' } },
      { 'aws:RequestedRegion': 'a' },
      true,
    ],
    ['any of several values', { StringEquals: { 'x:sub': ['a', 'b'] } }, { 'x:sub': 'b' }, true],
    ['Null true on a missing key', { Null: { 'x:env': 'true' } }, {}, true],
    ['Bool', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, true],
    [
      'ForAllValues over a list',
      { 'ForAllValues:StringLike': { 'x:tags': 'team-*' } },
      { 'x:tags': ['team-a', 'other'] },
      false,
    ],
    [
      'ForAnyValue over a list',
      { 'ForAnyValue:StringLike': { 'x:tags': 'team-*' } },
      { 'x:tags': ['team-a', 'other'] },
      true,
    ],
  ])('evaluates the condition %s', (_name, condition, context, holds) => {
    const policy = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 'ecr:PutImage', Resource: '*', Condition: condition },
      },
      'identity',
    );
    expect(evaluatePolicies([policy], { action: 'ecr:PutImage', resource: '*', context }).decision).toBe(
      holds ? 'allow' : 'deny',
    );
  });
});

describe('evaluateTrust', () => {
  const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
  const trust = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: provider },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo/app:ref:refs/heads/main' },
        },
      },
    },
    'trust',
  );
  const ctx = (sub: string, aud = 'sts.amazonaws.com') => ({
    'token.actions.githubusercontent.com:sub': sub,
    'token.actions.githubusercontent.com:aud': aud,
  });

  test.each([
    ['the main branch', provider, ctx('repo:octo/app:ref:refs/heads/main'), 'allow'],
    ['another branch', provider, ctx('repo:octo/app:ref:refs/heads/dev'), 'deny'],
    ['another repository', provider, ctx('repo:evil/app:ref:refs/heads/main'), 'deny'],
    ['another audience', provider, ctx('repo:octo/app:ref:refs/heads/main', 'other'), 'deny'],
    ['another provider', provider.replace('token.actions', 'evil'), ctx('repo:octo/app:ref:refs/heads/main'), 'deny'],
  ])('decides %s', (_name, federated, context, decision) => {
    expect(
      evaluateTrust(trust, { type: 'Federated', id: federated }, 'sts:AssumeRoleWithWebIdentity', context).decision,
    ).toBe(decision);
  });

  it('does not let the trust policy serve another action', () => {
    const context = ctx('repo:octo/app:ref:refs/heads/main');
    expect(evaluateTrust(trust, { type: 'Federated', id: provider }, 'sts:AssumeRole', context).decision).toBe('deny');
  });
});

describe('parsePolicy', () => {
  test.each([
    [
      'a principal in an identity policy',
      { Statement: { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' } },
      'identity',
      'should not specify a principal',
    ],
    [
      'a trust policy without principal',
      { Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } },
      'trust',
      'Missing required field Principal',
    ],
    [
      'an action without vendor',
      { Statement: { Effect: 'Allow', Action: 'PutImage', Resource: '*' } },
      'identity',
      'prefaced by a vendor',
    ],
    ['a bad effect', { Statement: { Effect: 'Maybe', Action: 'ecr:*', Resource: '*' } }, 'identity', 'Invalid effect'],
    [
      'a resource that is no ARN',
      { Statement: { Effect: 'Allow', Action: 'ecr:*', Resource: 'repo/x' } },
      'identity',
      'must be in ARN format',
    ],
    [
      'an unknown condition operator',
      { Statement: { Effect: 'Allow', Action: 'ecr:*', Resource: '*', Condition: { StringSorta: { 'a:b': 'c' } } } },
      'identity',
      'Invalid Condition type',
    ],
    [
      'an unknown field',
      { Statement: { Effect: 'Allow', Action: 'ecr:*', Resource: '*', Actions: 'x' } },
      'identity',
      'Has prohibited field Actions',
    ],
    ['JSON that does not parse', '{"Statement": [', 'identity', 'Syntax errors in policy'],
  ])('rejects %s', (_name, doc, kind, message) => {
    expect(() => parsePolicy(doc, kind as 'identity' | 'trust')).toThrow(MalformedPolicyDocumentError);
    expect(() => parsePolicy(doc, kind as 'identity' | 'trust')).toThrow(message);
  });
});

describe('accessDeniedMessage', () => {
  it('words an implicit deny as AWS does', () => {
    expect(
      accessDeniedMessage(
        'arn:aws:sts::123456789012:assumed-role/push/run-1',
        'ecr:PutImage',
        `${REPO}/ostock/licensing`,
        'no-identity-policy',
      ),
    ).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/push/run-1 is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/ostock/licensing because no identity-based policy allows the ecr:PutImage action',
    );
  });

  it('words an explicit deny as AWS does', () => {
    expect(accessDeniedMessage('arn:aws:iam::123456789012:user/ci', 'ecr:BatchDeleteImage', '*', 'explicit-deny')).toBe(
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:BatchDeleteImage on resource: * with an explicit deny in an identity-based policy',
    );
  });
});
