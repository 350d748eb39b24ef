import { describe, expect, it, test } from 'vitest';
import { ensureNodeRole } from '../cloud/cloud-infrastructure.ts';
import { loadSnapshotIam, readSnapshot, renderSnapshot } from '../cloud/pipeline-snapshot/load-snapshot.ts';
import { Iam, IamError } from './iam.ts';

const VARS = {
  account_id: '123456789012',
  region: 'eu-west-1',
  oidc_provider: '127.0.0.1:4567',
  github_repository: 'bakeline-dev/licensing-service',
};

/** The roles terraform apply of the example creates (its snapshot), and the nodes' role. */
function cloudIam() {
  const iam = new Iam({ accountId: VARS.account_id });
  const loaded = loadSnapshotIam(iam, renderSnapshot(readSnapshot(), VARS), `https://${VARS.oidc_provider}`);
  ensureNodeRole(iam);
  return { iam, ...loaded };
}

describe("the Terraform snapshot's roles", () => {
  it('creates the provider and every role of the snapshot', () => {
    const { provider, roles } = cloudIam();
    expect(provider.arn).toBe('arn:aws:iam::123456789012:oidc-provider/127.0.0.1:4567');
    expect(provider.clientIds).toEqual(['sts.amazonaws.com']);
    expect(roles.map((r) => r.arn)).toEqual(
      ['deploy-dev', 'deploy-prod', 'deploy-test', 'ecr-push', 'source-prod', 'source-test'].map(
        (n) => `arn:aws:iam::123456789012:role/bakeline-${n}`,
      ),
    );
  });

  const session = (role: string) => `arn:aws:sts::123456789012:assumed-role/${role}/run-7`;
  const repo = 'arn:aws:ecr:eu-west-1:123456789012:repository/ostock/licensing-service';
  const cluster = 'arn:aws:eks:eu-west-1:123456789012:cluster/bakeline-local';

  test.each([
    ['bakeline-ecr-push', 'ecr:GetAuthorizationToken', '*', 'allow'],
    ['bakeline-ecr-push', 'ecr:PutImage', repo, 'allow'],
    ['bakeline-ecr-push', 'ecr:CompleteLayerUpload', repo, 'allow'],
    ['bakeline-ecr-push', 'ecr:PutImage', `${repo}-other`, 'deny'],
    ['bakeline-ecr-push', 'ecr:CreateRepository', repo, 'deny'],
    ['bakeline-ecr-push', 'ecr:BatchDeleteImage', repo, 'deny'],
    ['bakeline-ecr-push', 'ecr:PutImage', repo.replace('eu-west-1', 'us-east-1'), 'deny'],
    ['bakeline-ecr-push', 'eks:DescribeCluster', cluster, 'deny'],
    ['bakeline-deploy-dev', 'eks:DescribeCluster', cluster, 'allow'],
    ['bakeline-deploy-dev', 'eks:DescribeCluster', cluster.replace('bakeline-local', 'other'), 'deny'],
    ['bakeline-deploy-dev', 'ecr:BatchGetImage', repo, 'allow'],
    ['bakeline-deploy-dev', 'ecr:PutImage', repo, 'deny'],
    ['bakeline-source-test', 'eks:DescribeCluster', cluster, 'allow'],
    ['bakeline-source-test', 'eks:UpdateClusterConfig', cluster, 'deny'],
    ['bakeline-source-test', 'ecr:BatchGetImage', repo, 'deny'],
    ['bakeline-eks-node', 'ecr:BatchGetImage', repo, 'allow'],
    ['bakeline-eks-node', 'ecr:PutImage', repo, 'deny'],
  ])('%s: %s on %s -> %s', (role, action, resource, decision) => {
    const { iam } = cloudIam();
    expect(iam.evaluate(session(role), action, resource)).toBe(decision);
    expect(iam.evaluate(`arn:aws:iam::123456789012:role/${role}`, action, resource)).toBe(decision);
  });

  test.each([
    ['bakeline-ecr-push', 'repo:bakeline-dev/licensing-service:ref:refs/heads/main', 'allow'],
    ['bakeline-ecr-push', 'repo:bakeline-dev/licensing-service:ref:refs/heads/feature', 'deny'],
    ['bakeline-ecr-push', 'repo:bakeline-dev/licensing-service:environment:dev', 'deny'],
    ['bakeline-ecr-push', 'repo:someone-else/licensing-service:ref:refs/heads/main', 'deny'],
    ['bakeline-deploy-dev', 'repo:bakeline-dev/licensing-service:environment:dev', 'allow'],
    ['bakeline-deploy-dev', 'repo:bakeline-dev/licensing-service:environment:prod', 'deny'],
    ['bakeline-deploy-prod', 'repo:bakeline-dev/licensing-service:environment:prod', 'allow'],
    ['bakeline-source-test', 'repo:bakeline-dev/licensing-service:environment:test', 'allow'],
    ['bakeline-source-test', 'repo:bakeline-dev/licensing-service:environment:dev', 'deny'],
    ['bakeline-source-test', 'repo:bakeline-dev/licensing-service:ref:refs/heads/main', 'deny'],
  ])('trust of %s for sub %s -> %s', (name, sub, decision) => {
    const { iam, provider } = cloudIam();
    const role = iam.getRole(name);
    if (!role) throw new Error(`no role ${name}`);
    const context = { '127.0.0.1:4567:sub': sub, '127.0.0.1:4567:aud': 'sts.amazonaws.com' };
    const who = { type: 'Federated' as const, id: provider.arn };
    expect(iam.evaluateTrust(role, who, 'sts:AssumeRoleWithWebIdentity', context).decision).toBe(decision);
  });
});

describe('Iam', () => {
  it('creates roles with custom policies at run time and evaluates them', () => {
    const iam = new Iam({ accountId: '123456789012' });
    const role = iam.createRole({
      name: 'no-put',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
      },
      policies: { p: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ecr:Batch*', Resource: '*' } } },
    });
    const principal = `arn:aws:sts::123456789012:assumed-role/${role.name}/s`;
    expect(iam.evaluate(principal, 'ecr:PutImage', '*')).toBe('deny');
    expect(iam.accessDeniedMessage(principal, 'ecr:PutImage', 'arn:aws:ecr:eu-west-1:123456789012:repository/a')).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/no-put/s is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/a because no identity-based policy allows the ecr:PutImage action',
    );
    iam.putRolePolicy('no-put', 'put', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'ecr:PutImage', Resource: '*' },
    });
    expect(iam.evaluate(principal, 'ecr:PutImage', '*')).toBe('allow');
  });

  test.each([
    ['a duplicate role', (iam: Iam) => iam.createRole({ name: 'r', trustPolicy: TRUST }), 'EntityAlreadyExists'],
    ['a bad role name', (iam: Iam) => iam.createRole({ name: 'bad name', trustPolicy: TRUST }), 'ValidationError'],
    [
      'a max session outside 3600..43200',
      (iam: Iam) => iam.createRole({ name: 'x', trustPolicy: TRUST, maxSessionDurationSeconds: 60 }),
      'ValidationError',
    ],
    ['a policy on a missing role', (iam: Iam) => iam.putRolePolicy('missing', 'p', {}), 'NoSuchEntity'],
  ])('refuses %s', (_name, act, code) => {
    const iam = new Iam({ accountId: '123456789012' });
    iam.createRole({ name: 'r', trustPolicy: TRUST });
    expect(() => act(iam)).toThrow(IamError);
    try {
      act(iam);
    } catch (error) {
      expect((error as IamError).code).toBe(code);
    }
  });

  test.each([
    ['a role ARN ending in *', 'arn:aws:iam::123456789012:role/*'],
    ['a role name with a wildcard', 'arn:aws:iam::123456789012:role/deploy-*'],
    ['an account with a wildcard', 'arn:aws:iam::12345678901?:root'],
    ['a user path with a wildcard', 'arn:aws:iam::123456789012:user/ci/*'],
  ])('refuses a trust policy whose principal is a partial wildcard: %s', (_name, principal) => {
    const iam = new Iam({ accountId: '123456789012' });
    const trust = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' },
    };
    expect(() => iam.createRole({ name: 'r', trustPolicy: trust })).toThrow(
      `Invalid principal in policy: "AWS":"${principal}"`,
    );
  });

  it('accepts `*` alone as a principal, in both forms', () => {
    const iam = new Iam({ accountId: '123456789012' });
    for (const [name, principal] of [
      ['star', '*'],
      ['aws-star', { AWS: '*' }],
    ] as const) {
      const trust = {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' },
      };
      expect(iam.createRole({ name, trustPolicy: trust }).name).toBe(name);
    }
  });

  it('refuses an OIDC provider whose URL is not https, and finds providers by https issuers only', () => {
    const iam = new Iam({ accountId: '123456789012' });
    for (const url of ['http://127.0.0.1:8080', 'http://token.actions.githubusercontent.com']) {
      expect(() => iam.addOidcProvider({ url, clientIds: ['sts.amazonaws.com'] })).toThrow(
        /Invalid Openid Connect Provider URL: .*must begin with https:\/\//,
      );
    }
    iam.addOidcProvider({ url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] });
    expect(iam.findOidcProvider('https://token.actions.githubusercontent.com')?.keyPrefix).toBe(
      'token.actions.githubusercontent.com',
    );
    expect(iam.findOidcProvider('http://token.actions.githubusercontent.com')).toBeUndefined();
  });

  it('denies principals it does not know and principals of other accounts', () => {
    const iam = new Iam({ accountId: '123456789012' });
    expect(iam.explain('arn:aws:sts::123456789012:assumed-role/ghost/s', 'ecr:PutImage', '*').reason).toBe(
      'unknown-principal',
    );
    expect(iam.evaluate('arn:aws:iam::999999999999:user/x', 'ecr:PutImage', '*')).toBe('deny');
  });
});

const TRUST = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
};
