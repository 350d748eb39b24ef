// The credential chain against stand-ins on 127.0.0.1 only: the AWS SDK's own default chain
// (environment, AWS_PROFILE and shared files, web identity token file, container credentials,
// instance profile through an IMDSv2 stand-in), AssumeRole from what it finds, and GitHub OIDC
// when a token is to be had. The instance metadata address is never reached: every test runs
// with AWS_EC2_METADATA_DISABLED=true except the one that points the SDK at the stand-in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsScript,
  type AwsTestServer,
  fakeJwt,
  startAwsTestServer,
  stsCredentials,
} from '../test/aws-test-server.ts';
import { type ImdsTestServer, startImdsTestServer } from '../test/imds-test-server.ts';
import { credentialChain, credentialSource } from './credential-chain.ts';

const ROLE = 'arn:aws:iam::123456789012:role/bakeline-ecr-push';
const EXPIRES = new Date(Date.now() + 3_600_000);

function assumeRoleAnswer(key: string) {
  return {
    contentType: 'text/xml',
    body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>secret-${key}</SecretAccessKey><SessionToken>session-${key}</SessionToken><Expiration>${EXPIRES.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/bakeline-ecr-push/s</Arn><AssumedRoleId>AROATEST:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  };
}

let dir: string;
let sts: AwsTestServer | undefined;
let imds: ImdsTestServer | undefined;
const closers: (() => void)[] = [];

/** A job environment with no credentials anywhere, and no way to the instance metadata address. */
function cleanEnv(): void {
  for (const key of Object.keys(process.env)) {
    if (/^(AWS_|ACTIONS_ID_TOKEN_|HTTPS?_PROXY$|NO_PROXY$)/i.test(key)) vi.stubEnv(key, undefined);
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bakeline-chain-'));
  cleanEnv();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await sts?.close();
  await imds?.close();
  sts = undefined;
  imds = undefined;
  for (const close of closers.splice(0)) close();
  rmSync(dir, { recursive: true, force: true });
});

function chain(options: { roleToAssume?: string; stsEndpoint?: string; idToken?: () => Promise<string> } = {}) {
  const masked: string[] = [];
  const provider = credentialChain({
    region: 'eu-west-1',
    roleSessionName: 'bakeline-ecr-push',
    idToken: options.idToken ?? (async () => Promise.reject(new Error('no OIDC token in this test'))),
    mask: (s) => masked.push(s),
    ...(options.roleToAssume ? { roleToAssume: options.roleToAssume } : {}),
    ...(options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}),
  });
  return { provider, masked };
}

describe('credentialSource', () => {
  const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.invalid/', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
  it.each([
    ['no role: the default chain', {}, undefined, 'default-chain'],
    ['no role, OIDC to be had: still the default chain', oidc, undefined, 'default-chain'],
    ['role and an OIDC token: web identity', oidc, ROLE, 'github-oidc'],
    ['role without id-token permission: AssumeRole from the chain', {}, ROLE, 'default-chain+assume-role'],
    [
      'role, OIDC, and static keys: AssumeRole from the keys (role chaining)',
      { ...oidc, AWS_ACCESS_KEY_ID: 'AKIA' },
      ROLE,
      'default-chain+assume-role',
    ],
    [
      'role, OIDC, and a token file: the chain',
      { ...oidc, AWS_WEB_IDENTITY_TOKEN_FILE: '/t' },
      ROLE,
      'default-chain+assume-role',
    ],
    ['half an OIDC setup: the chain', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, ROLE, 'default-chain+assume-role'],
  ])('%s', (_name, env, role, expected) => {
    expect(credentialSource(env, role)).toBe(expected);
  });
});

describe('credentialChain, the SDK default chain', () => {
  it('takes AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and masks all three', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVENVENVENV0001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'env-session');
    const { provider, masked } = chain();
    expect(await provider()).toMatchObject({
      accessKeyId: 'AKIAENVENVENVENV0001',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-session',
    });
    expect(masked).toEqual(['AKIAENVENVENVENV0001', 'env-secret', 'env-session']);
  });

  it('takes the profile AWS_PROFILE names from the shared credentials file', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(
      file,
      '[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = d\n\n[deploy]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = profile-secret\n',
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    vi.stubEnv('AWS_PROFILE', 'deploy');
    const { provider, masked } = chain();
    expect(await provider()).toMatchObject({ accessKeyId: 'AKIAPROFILE000000001', secretAccessKey: 'profile-secret' });
    expect(masked).toContain('profile-secret');
  });

  it('assumes the role of a web identity token file (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN) through STS', async () => {
    const token = fakeJwt({ sub: 'system:serviceaccount:ci:runner', aud: 'sts.amazonaws.com' });
    const file = join(dir, 'token');
    writeFileSync(file, token);
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', file);
    vi.stubEnv('AWS_ROLE_ARN', ROLE);
    vi.stubEnv('AWS_ROLE_SESSION_NAME', 'runner-pod');
    sts = await startAwsTestServer(() => stsCredentials(EXPIRES, 'ASIAFILEFILEFILE0001'));
    const { provider } = chain({ stsEndpoint: sts.endpoint });
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIAFILEFILEFILE0001' });
    expect(sts.calls.map((c) => [c.operation, c.params.RoleArn, c.params.WebIdentityToken])).toEqual([
      ['AssumeRoleWithWebIdentity', ROLE, token],
    ]);
  });

  it('takes container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI with its authorization token)', async () => {
    const { createServer } = await import('node:http');
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== 'container-token') {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          AccessKeyId: 'ASIACONTAINER0000001',
          SecretAccessKey: 'container-secret',
          Token: 'container-session',
          Expiration: EXPIRES.toISOString(),
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => server.close());
    const { port } = server.address() as import('node:net').AddressInfo;
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', `http://127.0.0.1:${port}/v2/credentials/abc`);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'container-token');
    const { provider, masked } = chain();
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIACONTAINER0000001', sessionToken: 'container-session' });
    expect(seen).toContain('container-token');
    expect(masked).toContain('container-session');
  });

  it('takes the instance profile from IMDSv2: a token PUT first, then GETs that carry it', async () => {
    imds = await startImdsTestServer({
      role: 'bakeline-runner',
      accessKeyId: 'ASIAINSTANCE00000001',
      secretAccessKey: 'instance-secret',
      sessionToken: 'instance-session',
      expiration: EXPIRES,
    });
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', undefined);
    vi.stubEnv('AWS_EC2_METADATA_SERVICE_ENDPOINT', imds.endpoint);
    const { provider, masked } = chain();
    expect(await provider()).toMatchObject({
      accessKeyId: 'ASIAINSTANCE00000001',
      secretAccessKey: 'instance-secret',
      sessionToken: 'instance-session',
    });
    expect(masked).toEqual(['ASIAINSTANCE00000001', 'instance-secret', 'instance-session']);
    const first = imds.calls[0];
    expect(first?.method).toBe('PUT');
    expect(first?.path).toBe('/latest/api/token');
    const gets = imds.calls.filter((c) => c.method === 'GET');
    expect(gets.map((c) => c.path)).toEqual([
      '/latest/meta-data/iam/security-credentials/',
      '/latest/meta-data/iam/security-credentials/bakeline-runner',
    ]);
    expect(gets.every((c) => c.status === 200 && typeof c.headers['x-aws-ec2-metadata-token'] === 'string')).toBe(true);
  });

  it('the IMDSv2 stand-in refuses what the real one refuses', async () => {
    imds = await startImdsTestServer({
      role: 'r',
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
      expiration: EXPIRES,
    });
    const at = (path: string, init: RequestInit = {}) => fetch(`${imds?.endpoint}${path}`, init).then((r) => r.status);
    expect(await at('/latest/meta-data/iam/security-credentials/')).toBe(401);
    expect(await at('/latest/api/token', { method: 'PUT' })).toBe(400);
    expect(
      await at('/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21601' } }),
    ).toBe(400);
    expect(
      await at('/latest/api/token', {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' },
      }),
    ).toBe(403);
    expect(
      await at('/latest/meta-data/iam/security-credentials/', { headers: { 'x-aws-ec2-metadata-token': 'forged' } }),
    ).toBe(401);
  });

  it('says what to do when no source has credentials', async () => {
    const { provider } = chain();
    const error = await provider().catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /^AwsCredentialsError: No AWS credentials: give 'role-to-assume' and grant the job `permissions: id-token: write`/,
    );
    expect(String(error)).toContain('The SDK said: Could not load credentials from any providers');
  });
});

describe('credentialChain with role-to-assume', () => {
  const script: AwsScript = (call) =>
    call.operation === 'AssumeRole' ? assumeRoleAnswer('ASIACHAINED000000001') : stsCredentials(EXPIRES, 'ASIAOIDC');

  it('without an OIDC token, assumes the role with what the chain found, tagged like configure-aws-credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASOURCESOURCE0001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'source-secret');
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/svc');
    vi.stubEnv('GITHUB_WORKFLOW', 'build (main)');
    vi.stubEnv('GITHUB_ACTION', '__run');
    vi.stubEnv('GITHUB_ACTOR', 'octocat');
    vi.stubEnv('GITHUB_SHA', 'a'.repeat(40));
    vi.stubEnv('GITHUB_REF', 'refs/heads/main');
    vi.stubEnv('GITHUB_RUN_ID', '42');
    sts = await startAwsTestServer(script);
    const { provider, masked } = chain({ roleToAssume: ROLE, stsEndpoint: sts.endpoint });
    expect(await provider()).toMatchObject({
      accessKeyId: 'ASIACHAINED000000001',
      sessionToken: 'session-ASIACHAINED000000001',
    });
    const call = sts.calls[0];
    expect(sts.calls).toHaveLength(1);
    expect(call?.operation).toBe('AssumeRole');
    expect(call?.params).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: 'bakeline-ecr-push',
      DurationSeconds: '3600',
      'Tags.member.1.Key': 'GitHub',
      'Tags.member.1.Value': 'Actions',
      'Tags.member.2.Key': 'Repository',
      'Tags.member.2.Value': 'acme/svc',
      'Tags.member.3.Value': 'build _main_',
      'Tags.member.8.Key': 'RunId',
    });
    // signed with the chain's credentials
    expect(String(call?.headers.authorization)).toContain('Credential=AKIASOURCESOURCE0001/');
    expect(masked).toEqual(expect.arrayContaining(['source-secret', 'secret-ASIACHAINED000000001']));
  });

  it('retries once without the droppable tags when STS answers PackedPolicyTooLarge', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASOURCESOURCE0001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'source-secret');
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/svc');
    vi.stubEnv('GITHUB_RUN_ID', '42');
    sts = await startAwsTestServer((call, index) =>
      index === 0
        ? {
            status: 400,
            contentType: 'text/xml',
            body: '<ErrorResponse><Error><Type>Sender</Type><Code>PackedPolicyTooLarge</Code><Message>Packed policy consumes 112% of allotted space</Message></Error><RequestId>1</RequestId></ErrorResponse>',
          }
        : script(call, index),
    );
    const { provider } = chain({ roleToAssume: ROLE, stsEndpoint: sts.endpoint });
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIACHAINED000000001' });
    const tagKeys = (i: number) =>
      Object.entries(sts?.calls[i]?.params ?? {})
        .filter(([k]) => /^Tags\.member\.\d+\.Key$/.test(k))
        .map(([, v]) => v);
    expect(tagKeys(0)).toEqual(['GitHub', 'Repository', 'RunId']);
    expect(tagKeys(1)).toEqual(['GitHub', 'Repository']);
  });

  it('explains an AccessDenied in terms of the trust policy, sts:TagSession included', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASOURCESOURCE0001');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'source-secret');
    sts = await startAwsTestServer(() => ({
      status: 403,
      contentType: 'text/xml',
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: x</Message></Error><RequestId>1</RequestId></ErrorResponse>',
    }));
    const { provider } = chain({ roleToAssume: ROLE, stsEndpoint: sts.endpoint });
    await expect(provider()).rejects.toThrow(
      `Could not assume role ${ROLE}: the credentials the AWS SDK found may not assume it: allow their principal in the role's trust policy (sts:AssumeRole and sts:TagSession`,
    );
  });

  it('with no credentials anywhere, fails before STS and says how to get some', async () => {
    sts = await startAwsTestServer(script);
    const { provider } = chain({ roleToAssume: ROLE, stsEndpoint: sts.endpoint });
    await expect(provider()).rejects.toThrow(/^No AWS credentials: give 'role-to-assume'/);
    expect(sts.calls).toEqual([]);
  });

  it('with an OIDC token to be had, assumes the role with web identity, as before', async () => {
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', 'http://127.0.0.1:9/token');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'request-token');
    sts = await startAwsTestServer(script);
    const jwt = fakeJwt({ sub: 'repo:acme/svc:ref:refs/heads/main', aud: 'sts.amazonaws.com' });
    const { provider } = chain({ roleToAssume: ROLE, stsEndpoint: sts.endpoint, idToken: async () => jwt });
    expect(await provider()).toMatchObject({ accessKeyId: 'ASIAOIDC' });
    expect(sts.calls.map((c) => c.operation)).toEqual(['AssumeRoleWithWebIdentity']);
  });
});
