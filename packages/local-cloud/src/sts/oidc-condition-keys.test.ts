// Which claims of a GitHub Actions ID token a trust policy can test, checked against AWS's lists:
//   - IAM User Guide, "Available keys for OIDC federation": <issuer>:aud and <issuer>:sub
//     (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif);
//   - AWS What's New, 2026-01, "AWS STS supports validation of identity provider claims": for
//     GitHub, actor, actor_id, job_workflow_ref, repository, repository_id, workflow, ref,
//     environment and enterprise_id
//     (aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/).
// Each listed key is honoured: its own value allows, another value denies. Every other claim the
// token carries is not a condition key: a condition naming it with the token's own value denies.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { Iam } from '../iam/iam.ts';
import { type OidcService, startOidc } from '../oidc/start-oidc.ts';
import { GITHUB_CLAIM_KEYS, STANDARD_OIDC_KEYS } from './oidc-condition-keys.ts';
import { type StsEndpoint, startSts } from './start-sts.ts';
import { discoveryJwksSource } from './web-identity-token.ts';

const ACCOUNT = '123456789012';
const REPO = 'bakeline-dev/licensing-service';
/** AWS's documented keys, written out here so that a change to the module cannot pass unnoticed. */
const DOCUMENTED = [
  'aud',
  'sub',
  'actor',
  'actor_id',
  'job_workflow_ref',
  'repository',
  'repository_id',
  'workflow',
  'ref',
  'environment',
  'enterprise_id',
];
/** Claims of the token that are never condition keys (the JWT's own and GitHub's others). */
const NOT_KEYS = ['iss', 'iat', 'nbf', 'exp', 'jti'];

let oidc: OidcService;
let sts: StsEndpoint;
let iam: Iam;
let issuer: string;
let token: string;
let claims: Record<string, unknown>;

function trustOn(key: string, value: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:aud`]: 'sts.amazonaws.com',
            [`${issuer}:sub`]: `repo:${REPO}:environment:prod`,
            [`${issuer}:${key}`]: value,
          },
        },
      },
    ],
  };
}

let roleCount = 0;
async function assumeWith(key: string, value: string): Promise<string> {
  const name = `keys-${++roleCount}`;
  iam.createRole({ name, trustPolicy: trustOn(key, value) });
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: sts.url,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAUNUSED0000000000', secretAccessKey: 'unused' },
  });
  try {
    await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        RoleSessionName: 'keys',
        WebIdentityToken: token,
      }),
    );
    return 'allowed';
  } catch (error: unknown) {
    return (error as { name?: string }).name ?? String(error);
  } finally {
    client.destroy();
  }
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
  token = await oidc.issuer.issue(
    {
      repository: REPO,
      environment: 'prod',
      job_workflow_ref: 'bakeline-dev/bakeline/.github/workflows/promote.yml@refs/heads/main',
    },
    { audience: 'sts.amazonaws.com' },
  );
  claims = decodeJwt(token) as Record<string, unknown>;
});

afterAll(async () => {
  await sts.stop();
  await oidc.stop();
});

describe("the trust policy's GitHub condition keys are AWS's documented ones", () => {
  it('lists exactly the documented keys', () => {
    expect([...STANDARD_OIDC_KEYS, ...GITHUB_CLAIM_KEYS].sort()).toEqual([...DOCUMENTED].sort());
  });

  it.each(GITHUB_CLAIM_KEYS.filter((k) => k !== 'enterprise_id'))(
    'honours %s: the token’s value allows, another value denies',
    async (key) => {
      const value = claims[key];
      expect(typeof value, `the local token carries ${key}`).toBe('string');
      expect(await assumeWith(key, String(value))).toBe('allowed');
      expect(await assumeWith(key, `${String(value)}-other`)).toBe('AccessDenied');
    },
  );

  it('denies a condition on enterprise_id when the token has none (a repository outside an enterprise)', async () => {
    expect(claims.enterprise_id).toBeUndefined();
    expect(await assumeWith('enterprise_id', '1')).toBe('AccessDenied');
  });

  it('does not honour any other claim of the token, even with its own value', async () => {
    const others = Object.keys(claims).filter((k) => !DOCUMENTED.includes(k) && !NOT_KEYS.includes(k));
    // the token's other GitHub claims: repository_owner, run_id, sha, workflow_ref, runner_environment, ...
    expect(others).toEqual(expect.arrayContaining(['repository_owner', 'run_id', 'sha', 'workflow_ref']));
    for (const key of others) {
      expect(await assumeWith(key, String(claims[key])), key).toBe('AccessDenied');
    }
  });
});
