// The credential chain against the local cloud's strict STS and ECR (SigV4 verified, trust and
// identity policies evaluated): AssumeRole signed with the static keys the SDK's chain found,
// then an ECR call with the role's credentials; and the refusal when the role does not trust the
// caller. Nothing but 127.0.0.1 is reached (the instance metadata lookup is disabled).
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialChain } from './credential-chain.ts';
import { createEcrClient } from './ecr-client.ts';

let cloud: LocalCloud;
let user: { arn: string; accessKeyId: string; secretAccessKey: string };
let trusting: string;
let distrusting: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  user = cloud.admin.createUser({
    name: 'ci-runner',
    policies: {
      assume: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] },
    },
  });
  const ecrPolicy = {
    ecr: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:DescribeRepositories', Resource: '*' }] },
  };
  trusting = cloud.admin.iam.createRole({
    name: 'chained-push',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: user.arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    },
    policies: ecrPolicy,
  }).arn;
  distrusting = cloud.admin.iam.createRole({
    name: 'someone-elses',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${cloud.endpoints.accountId}:user/other` },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    policies: ecrPolicy,
  }).arn;
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

beforeEach(() => {
  for (const key of Object.keys(process.env)) {
    if (/^(AWS_|ACTIONS_ID_TOKEN_)/.test(key)) vi.stubEnv(key, undefined);
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/bakeline/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/bakeline/credentials');
  vi.stubEnv('AWS_ACCESS_KEY_ID', user.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', user.secretAccessKey);
  vi.stubEnv('GITHUB_REPOSITORY', 'bakeline-dev/licensing-service');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const chain = (roleToAssume: string) =>
  credentialChain({
    region: cloud.endpoints.region,
    roleToAssume,
    roleSessionName: 'bakeline-ecr-push',
    idToken: () => Promise.reject(new Error('no OIDC in this test')),
    mask: () => {},
    stsEndpoint: cloud.endpoints.sts,
  });

describe('credentialChain against the local cloud', () => {
  it('assumes the role with the static keys the chain found, and the role may call ECR', async () => {
    const credentials = chain(trusting);
    const assumed = await credentials();
    expect(assumed.accessKeyId).toMatch(/^ASIA/);
    expect(assumed.accessKeyId).not.toBe(user.accessKeyId);
    const ecr = createEcrClient({ region: cloud.endpoints.region, credentials, endpoint: cloud.endpoints.ecr });
    try {
      const answer = await ecr.send(new DescribeRepositoriesCommand({}));
      expect(answer.$metadata.httpStatusCode).toBe(200);
    } finally {
      ecr.destroy();
    }
  });

  it('is refused by a role that does not trust the caller, and says what to change', async () => {
    await expect(chain(distrusting)()).rejects.toThrow(
      `Could not assume role ${distrusting}: the credentials the AWS SDK found may not assume it`,
    );
  });
});
