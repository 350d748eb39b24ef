// Role assumption against trust policies of the shape infra/terraform/modules/pipeline-roles
// renders (one statement, StringEquals on `<issuer>:aud` and `<issuer>:sub`), created through the
// IAM API as `terraform apply` creates them: a deploy role whose trust names another environment
// refuses the job's token with STS's AccessDenied. Which other claims a trust policy can test is
// oidc-condition-keys.test.ts's matter; here a pinned job_workflow_ref (a key since 2026) denies
// every other workflow.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { Iam } from '../iam/iam.ts';
import { type OidcService, startOidc } from '../oidc/start-oidc.ts';
import { type StsEndpoint, startSts } from './start-sts.ts';
import { discoveryJwksSource } from './web-identity-token.ts';

const ACCOUNT = '123456789012';
const REPO = 'bakeline-dev/licensing-service';
let oidc: OidcService;
let sts: StsEndpoint;
let iam: Iam;
let issuer: string;

function trust(extra: Record<string, string> = {}, sub = `repo:${REPO}:environment:test`): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOidc',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com', [`${issuer}:sub`]: sub, ...extra } },
      },
    ],
  });
}

beforeAll(async () => {
  oidc = await startOidc();
  issuer = new URL(oidc.url).host;
  iam = new Iam({ accountId: ACCOUNT });
  iam.addOidcProvider({ url: oidc.url, clientIds: ['sts.amazonaws.com'] });
  const store = new CredentialStore();
  sts = await startSts({
    iam,
    store,
    verifier: new SigV4Verifier(store),
    region: 'us-east-1',
    jwks: discoveryJwksSource(oidc.caPem),
  });
  iam.createRole({ name: 'deploy-test', trustPolicy: trust() });
  // a misconfigured deploy role for prod whose trust names the test environment
  iam.createRole({ name: 'deploy-prod', trustPolicy: trust() });
  iam.createRole({
    name: 'pinned-workflow',
    trustPolicy: trust({
      [`${issuer}:job_workflow_ref`]: `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
    }),
  });
});
afterAll(async () => {
  await sts.stop();
  await oidc.stop();
});

async function assume(role: string, environment: string, claims: Record<string, string> = {}) {
  const token = await oidc.issuer.issue(
    { repository: REPO, environment, ...claims },
    { audience: 'sts.amazonaws.com' },
  );
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: sts.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAUNUSED0000000000', secretAccessKey: 'unused' },
  });
  return client.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      RoleSessionName: 'promote',
      WebIdentityToken: token,
    }),
  );
}

describe('trust policies as the pipeline-roles module renders them', () => {
  it("lets the named environment's job assume its deploy role", async () => {
    const out = await assume('deploy-test', 'test');
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy-test/promote`);
  });

  it("refuses a prod job a deploy role whose trust names test, with STS's AccessDenied", async () => {
    await expect(assume('deploy-prod', 'prod')).rejects.toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('evaluates job_workflow_ref (an STS key for GitHub since 2026): only the pinned workflow gets the role', async () => {
    const out = await assume('pinned-workflow', 'test', {
      job_workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
    });
    expect(out.AssumedRoleUser?.Arn).toContain('assumed-role/pinned-workflow/');
    await expect(
      assume('pinned-workflow', 'test', {
        job_workflow_ref: `${REPO}/.github/workflows/other.yml@refs/heads/main`,
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
