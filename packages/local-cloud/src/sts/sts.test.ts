import { Sha256 } from '@aws-crypto/sha256-js';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { loadSnapshotIam, readSnapshot, renderSnapshot } from '../cloud/pipeline-snapshot/load-snapshot.ts';
import { Iam } from '../iam/iam.ts';
import type { TokenOptions } from '../oidc/issuer.ts';
import { type OidcService, startOidc } from '../oidc/start-oidc.ts';
import { type StsEndpoint, startSts } from './start-sts.ts';
import { discoveryJwksSource } from './web-identity-token.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const REPO = 'bakeline-dev/licensing-service';
const PUSH_ROLE = `arn:aws:iam::${ACCOUNT}:role/bakeline-ecr-push`;

let oidc: OidcService;
let sts: StsEndpoint;
let iam: Iam;
let store: CredentialStore;

beforeAll(async () => {
  oidc = await startOidc();
  iam = new Iam({ accountId: ACCOUNT });
  // the roles `terraform apply` of the example creates (its committed snapshot)
  const snapshot = renderSnapshot(readSnapshot(), {
    account_id: ACCOUNT,
    region: REGION,
    oidc_provider: new URL(oidc.url).host,
    github_repository: REPO,
  });
  loadSnapshotIam(iam, snapshot, oidc.url);
  store = new CredentialStore();
  sts = await startSts({
    iam,
    store,
    verifier: new SigV4Verifier(store),
    region: REGION,
    jwks: discoveryJwksSource(oidc.caPem),
  });
});
afterAll(async () => {
  await sts.stop();
  await oidc.stop();
});

function client(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new STSClient({
    region: REGION,
    endpoint: sts.url,
    maxAttempts: 1,
    credentials: credentials ?? { accessKeyId: 'AKIAUNUSED0000000000', secretAccessKey: 'unused' },
  });
}

async function assume(
  claims: { sub?: string; environment?: string } = {},
  options: TokenOptions = {},
  roleArn = PUSH_ROLE,
) {
  const token = await oidc.issuer.issue({ repository: REPO, ...claims }, { audience: 'sts.amazonaws.com', ...options });
  return client().send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'run-42', WebIdentityToken: token }),
  );
}

async function credentialsOf(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const out = await assume();
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

describe('AssumeRoleWithWebIdentity', () => {
  it('exchanges a GitHub token for temporary credentials of the role', async () => {
    const out = await assume();
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/bakeline-ecr-push/run-42`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:run-42$/);
    expect(out.SubjectFromWebIdentityToken).toBe(`repo:${REPO}:ref:refs/heads/main`);
    expect(out.Audience).toBe('sts.amazonaws.com');
  });

  test.each([
    [
      'a sub the trust policy does not name',
      { sub: `repo:${REPO}:ref:refs/heads/feature` },
      {},
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    ],
    [
      'another repository',
      { sub: 'repo:evil/licensing-service:ref:refs/heads/main' },
      {},
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    ],
    [
      'an environment token for the push role',
      { environment: 'dev' },
      {},
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    ],
    ['an expired token', {}, { expired: true }, 'ExpiredTokenException', 'Token expired: current date/time'],
    [
      "GitHub's default audience",
      {},
      { audience: 'https://github.com/bakeline-dev' },
      'InvalidIdentityTokenException',
      'Incorrect token audience',
    ],
    [
      'a token signed by another key',
      {},
      { wrongKey: true },
      'InvalidIdentityTokenException',
      'could not be validated by AWS',
    ],
    [
      'a key the JWKS does not list',
      {},
      { unknownKid: true },
      'InvalidIdentityTokenException',
      "Couldn't retrieve verification key",
    ],
    [
      'an issuer IAM does not know',
      {},
      { extraClaims: { iss: 'https://token.example.com' } },
      'InvalidIdentityTokenException',
      'No OpenIDConnect provider found in your account for https://token.example.com',
    ],
  ])('refuses %s', async (_name, claims, options, code, message) => {
    const error = await assume(claims, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: code });
    expect((error as Error).message).toContain(message);
  });

  // Terraform's trust: StringEquals on the exact sub of the role's own environment
  test.each([
    ['bakeline-deploy-dev', 'dev', 'allowed'],
    ['bakeline-deploy-dev', 'test', 'AccessDenied'],
    ['bakeline-deploy-prod', 'test', 'AccessDenied'],
    ['bakeline-source-test', 'test', 'allowed'],
    ['bakeline-source-test', 'dev', 'AccessDenied'],
    ['bakeline-source-prod', 'test', 'AccessDenied'],
  ])("the snapshot's %s with a token of environment %s: %s", async (role, environment, outcome) => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${role}`;
    const result = await assume({ environment }, {}, roleArn).then(
      (out) => (out.AssumedRoleUser?.Arn === `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/run-42` ? 'allowed' : 'odd'),
      (error: unknown) => (error as Error).name,
    );
    expect(result).toBe(outcome);
  });

  it('refuses a role that does not exist as AWS does (AccessDenied)', async () => {
    await expect(assume({}, {}, `arn:aws:iam::${ACCOUNT}:role/ghost`)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  test.each([
    [
      'DurationSeconds above the role maximum',
      { DurationSeconds: 7200 },
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
    [
      'DurationSeconds below 900',
      { DurationSeconds: 60 },
      'ValidationError',
      "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    [
      'a session name with a space',
      { RoleSessionName: 'run 42' },
      'ValidationError',
      "Value 'run 42' at 'roleSessionName' failed to satisfy constraint",
    ],
    [
      'a malformed session policy',
      { Policy: '{"Statement": "x"}' },
      'MalformedPolicyDocumentException',
      'Syntax errors in policy',
    ],
  ])('validates %s', async (_name, input, code, message) => {
    const token = await oidc.issuer.issue({ repository: REPO }, { audience: 'sts.amazonaws.com' });
    const error = await client()
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: PUSH_ROLE,
          RoleSessionName: 'run-42',
          WebIdentityToken: token,
          ...input,
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: code });
    expect((error as Error).message).toContain(message);
  });

  it("answers errors in AWS's XML shape", async () => {
    const res = await fetch(sts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=${PUSH_ROLE}&RoleSessionName=s1&WebIdentityToken=not.a.jwt`,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/xml');
    expect(await res.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidIdentityToken<\/Code><Message>The ID Token provided is not a valid JWT. \(You may see this error if you sent an Access Token\)<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>\n$/,
    );
  });
});

describe('GetCallerIdentity', () => {
  it('answers the caller of SigV4-signed temporary credentials', async () => {
    const out = await client(await credentialsOf()).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/bakeline-ecr-push/run-42`,
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:run-42$/),
    });
  });

  test.each([
    ['an unknown access key', (c: Creds) => ({ ...c, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }), 'InvalidClientTokenId'],
    [
      'a wrong secret',
      (c: Creds) => ({ ...c, secretAccessKey: `${c.secretAccessKey.slice(0, -1)}x` }),
      'SignatureDoesNotMatch',
    ],
    [
      'a missing session token',
      (c: Creds) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }),
      'InvalidClientTokenId',
    ],
    ['another session token', (c: Creds) => ({ ...c, sessionToken: `${c.sessionToken}x` }), 'InvalidClientTokenId'],
  ])('refuses %s', async (_name, mangle, code) => {
    await expect(client(mangle(await credentialsOf())).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: code,
    });
  });

  it('refuses expired credentials (ExpiredToken)', async () => {
    const role = iam.getRole('bakeline-ecr-push');
    if (!role) throw new Error('role');
    const c = sts.service.issueRoleCredentials(role, { sessionName: 'old', expiration: new Date(Date.now() - 1000) });
    await expect(
      client({
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken ?? '',
      }).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });

  it('refuses a request without signature (MissingAuthenticationToken, 403)', async () => {
    const res = await fetch(`${sts.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

async function presign(creds: Creds, options: { cluster?: string; signingDate?: Date; host?: string } = {}) {
  const endpoint = new URL(sts.url);
  const signer = new SignatureV4({ service: 'sts', region: REGION, sha256: Sha256, credentials: creds });
  const headers: Record<string, string> = { host: options.host ?? endpoint.host };
  if (options.cluster !== undefined) headers['x-k8s-aws-id'] = options.cluster;
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: endpoint.hostname,
      port: Number(endpoint.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers,
    },
    { expiresIn: 60, signingDate: options.signingDate ?? new Date() },
  );
  const url = new URL(`http://${headers.host}/`);
  for (const [k, v] of Object.entries(signed.query ?? {})) url.searchParams.set(k, String(v));
  return url;
}

describe('presigned GetCallerIdentity', () => {
  it('verifies an EKS-style URL with x-k8s-aws-id as a signed header', async () => {
    const creds = await credentialsOf();
    const url = await presign(creds, { cluster: 'dev' });
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    await expect(
      sts.service.verifyPresignedGetCallerIdentity(url, { headers: { 'x-k8s-aws-id': 'dev' } }),
    ).resolves.toEqual({
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/bakeline-ecr-push/run-42`,
      account: ACCOUNT,
      userId: expect.stringMatching(/:run-42$/),
      roleArn: PUSH_ROLE,
      accessKeyId: creds.accessKeyId,
    });
    const res = await fetch(url, { headers: { 'x-k8s-aws-id': 'dev' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`<Arn>arn:aws:sts::${ACCOUNT}:assumed-role/bakeline-ecr-push/run-42</Arn>`);
  });

  type VerifyCase = { headers?: Record<string, string>; secondsAfterSigning?: number };
  test.each<[string, VerifyCase, { host?: string }, string]>([
    ['another cluster name', { headers: { 'x-k8s-aws-id': 'prod' } }, {}, 'SignatureDoesNotMatch'],
    ['no cluster header', {}, {}, 'SignatureDoesNotMatch'],
    [
      'a URL signed more than 15 minutes ago (X-Amz-Expires 60 notwithstanding)',
      // checked 15 minutes and 2 seconds after signing (a time taken when the case runs: one taken
      // when the table is built is seconds older than the signature on a loaded machine)
      { headers: { 'x-k8s-aws-id': 'dev' }, secondsAfterSigning: 15 * 60 + 2 },
      {},
      'RequestExpired',
    ],
    [
      'a URL signed for another host',
      { headers: { 'x-k8s-aws-id': 'dev' } },
      { host: 'sts.example.com' },
      'SignatureDoesNotMatch',
    ],
  ])('refuses %s', async (_name, verifyCase: VerifyCase, presignOptions: { host?: string }, code) => {
    const { secondsAfterSigning, ...verifyOptions } = verifyCase;
    const url = await presign(await credentialsOf(), { cluster: 'dev', ...presignOptions });
    if (presignOptions.host !== undefined) url.host = new URL(sts.url).host;
    const now = secondsAfterSigning === undefined ? {} : { now: new Date(Date.now() + secondsAfterSigning * 1000) };
    await expect(sts.service.verifyPresignedGetCallerIdentity(url, { ...verifyOptions, ...now })).rejects.toMatchObject(
      { code },
    );
  });

  // STS ignores X-Amz-Expires for presigned requests: aws-iam-authenticator signs EKS tokens with
  // X-Amz-Expires=60 and they stay valid 15 minutes after X-Amz-Date (pkg/token/token.go).
  test.each([
    ['61 s', 61_000],
    ['14 min 58 s', 14 * 60_000 + 58_000],
  ])('accepts an EKS-style URL signed with X-Amz-Expires=60, %s after X-Amz-Date', async (_name, ageMs) => {
    const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
    const url = await presign(await credentialsOf(), { cluster: 'dev', signingDate });
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    await expect(
      sts.service.verifyPresignedGetCallerIdentity(url, {
        headers: { 'x-k8s-aws-id': 'dev' },
        now: new Date(signingDate.getTime() + ageMs),
      }),
    ).resolves.toMatchObject({ roleArn: PUSH_ROLE });
  });

  it('refuses an EKS-style URL 15 min 1 s after X-Amz-Date with RequestExpired', async () => {
    const signingDate = new Date(Math.floor(Date.now() / 1000) * 1000);
    const url = await presign(await credentialsOf(), { cluster: 'dev', signingDate });
    await expect(
      sts.service.verifyPresignedGetCallerIdentity(url, {
        headers: { 'x-k8s-aws-id': 'dev' },
        now: new Date(signingDate.getTime() + 15 * 60_000 + 1_000),
      }),
    ).rejects.toMatchObject({ code: 'RequestExpired', message: 'Request has expired.' });
  });

  it('refuses a tampered signature', async () => {
    const url = await presign(await credentialsOf(), { cluster: 'dev' });
    const sig = url.searchParams.get('X-Amz-Signature') ?? '';
    url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    await expect(
      sts.service.verifyPresignedGetCallerIdentity(url, { headers: { 'x-k8s-aws-id': 'dev' } }),
    ).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

describe('AssumeRole', () => {
  function user(name: string, policies: Record<string, unknown> = {}) {
    const u = iam.createUser({ name, policies });
    const c = store.createAccessKey({ type: 'user', arn: u.arn, accountId: ACCOUNT, userId: u.userId });
    return { arn: u.arn, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  }
  const trusting = (name: string, principal: string, max = 3600) =>
    iam.createRole({
      name,
      maxSessionDurationSeconds: max,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' },
      },
    });

  it('lets a principal the trust policy names assume the role with its signed credentials', async () => {
    const ci = user('ci-named');
    const role = trusting('named-target', ci.arn);
    const out = await client(ci).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'chain' }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/named-target/chain`);
    const c = out.Credentials;
    const who = await client({
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/named-target/chain`);
  });

  it("needs the caller's own policy too when the trust policy names only the account", async () => {
    const ci = user('ci-account');
    const role = trusting('account-target', `arn:aws:iam::${ACCOUNT}:root`);
    await expect(
      client(ci).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${ci.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`,
    });
    iam.putUserPolicy('ci-account', 'assume', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.arn },
    });
    await expect(
      client(ci).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })),
    ).resolves.toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/account-target/s1` },
    });
  });

  it('refuses principals the trust policy does not name, and role chaining beyond one hour', async () => {
    const ci = user('ci-stranger');
    const role = trusting('stranger-target', `arn:aws:iam::${ACCOUNT}:user/someone-else`);
    await expect(
      client(ci).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const session = await credentialsOf();
    const long = trusting('chain-target', PUSH_ROLE, 43200);
    await expect(
      client(session).send(new AssumeRoleCommand({ RoleArn: long.arn, RoleSessionName: 's2', DurationSeconds: 7200 })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    await expect(
      client(session).send(new AssumeRoleCommand({ RoleArn: long.arn, RoleSessionName: 's2' })),
    ).resolves.toMatchObject({
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/chain-target/s2` },
    });
  });
});
