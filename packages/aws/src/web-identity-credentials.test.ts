import { afterEach, describe, expect, it } from 'vitest';
import {
  type AwsScript,
  type AwsTestServer,
  fakeJwt,
  startAwsTestServer,
  stsCredentials,
  stsError,
} from '../test/aws-test-server.ts';
import { webIdentityCredentials } from './web-identity-credentials.ts';

const ROLE = 'arn:aws:iam::123456789012:role/bakeline-ecr-push';
const NOW = Date.parse('2026-11-25T08:00:00Z');
const token = fakeJwt({
  sub: 'repo:acme/svc:ref:refs/heads/feature',
  aud: 'sts.amazonaws.com',
  iss: 'https://token.actions.githubusercontent.com',
  iat: NOW / 1000 - 600,
  exp: NOW / 1000 - 300,
});

let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function provider(script: AwsScript, extra: { now?: () => number } = {}) {
  server = await startAwsTestServer(script);
  const masked: string[] = [];
  const sleeps: number[] = [];
  const credentials = webIdentityCredentials({
    roleArn: ROLE,
    sessionName: 'bakeline-ecr-push',
    region: 'eu-west-1',
    idToken: async () => token,
    mask: (s) => masked.push(s),
    stsEndpoint: server.endpoint,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: extra.now ?? (() => NOW),
  });
  return { credentials, masked, sleeps, calls: server.calls };
}

describe('webIdentityCredentials', () => {
  it('assumes the role with the OIDC token and masks the token and every credential', async () => {
    const { credentials, masked, calls } = await provider(() => stsCredentials(new Date(NOW + 3_600_000)));
    const c = await credentials();
    expect(c).toMatchObject({ accessKeyId: 'ASIATESTTESTTEST0001', secretAccessKey: 'secret-ASIATESTTESTTEST0001' });
    expect(calls[0]?.params).toMatchObject({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'bakeline-ecr-push',
      WebIdentityToken: token,
      DurationSeconds: '3600',
    });
    expect(calls[0]?.headers.authorization).toBeUndefined();
    expect(masked).toEqual([
      token,
      'ASIATESTTESTTEST0001',
      'secret-ASIATESTTESTTEST0001',
      'session-ASIATESTTESTTEST0001',
    ]);
  });

  it('reuses the credentials until 5 minutes before they expire, then assumes the role again', async () => {
    let now = NOW;
    const { credentials, calls } = await provider(
      (_call, i) => stsCredentials(new Date(NOW + 3_600_000), `ASIATESTTESTTEST000${i}`),
      {
        now: () => now,
      },
    );
    const first = await credentials();
    now = NOW + 54 * 60_000;
    expect(await credentials()).toBe(first);
    now = NOW + 56 * 60_000;
    expect((await credentials()).accessKeyId).toBe('ASIATESTTESTTEST0001');
    expect(calls).toHaveLength(2);
  });

  it('asks STS once for callers that ask at the same time', async () => {
    const { credentials, calls } = await provider(() => stsCredentials(new Date(NOW + 3_600_000)));
    await Promise.all([credentials(), credentials(), credentials()]);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['Throttling', 'Rate exceeded', 400],
    ['IDPCommunicationError', "Couldn't retrieve verification key from your identity provider", 400],
    ['InternalFailure', 'internal', 500],
  ])('retries %s with backoff, then succeeds', async (code, message, status) => {
    const { credentials, calls, sleeps } = await provider((_call, i) =>
      i < 2 ? stsError(code, message, status) : stsCredentials(new Date(NOW + 3_600_000)),
    );
    await credentials();
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after 5 attempts of throttling and says so', async () => {
    const { credentials, calls } = await provider(() => stsError('Throttling', 'Rate exceeded'));
    await expect(credentials()).rejects.toThrow(/^Could not assume role .*STS said: Throttling: Rate exceeded/);
    expect(calls).toHaveLength(5);
  });

  it.each([
    [
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      /^Could not assume role arn:aws:iam::123456789012:role\/bakeline-ecr-push: the OIDC token's subject 'repo:acme\/svc:ref:refs\/heads\/feature' is not allowed by the role's trust policy .*token\.actions\.githubusercontent\.com:sub.*STS said: AccessDenied: Not authorized/,
    ],
    [
      'ExpiredTokenException',
      'Token expired: current date/time 1764057600 must be before the expiration date/time 1764057300',
      /^Could not assume role .*: the OIDC token has expired \(issued 2026-11-25T07:50:00\.000Z, expired 2026-11-25T07:55:00\.000Z.*re-run the job.*STS said: ExpiredTokenException: Token expired/,
    ],
    [
      'InvalidIdentityToken',
      'Incorrect token audience',
      /^Could not assume role .*: STS refused the OIDC token's audience 'sts\.amazonaws\.com': set the 'audience' input .*STS said: InvalidIdentityToken: Incorrect token audience/,
    ],
    [
      'InvalidIdentityToken',
      'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com',
      /^Could not assume role .*: STS refused the OIDC token from https:\/\/token\.actions\.githubusercontent\.com: check that the account has an IAM OIDC provider/,
    ],
  ])('explains %s (%s) without retrying it', async (code, message, expected) => {
    const { credentials, calls } = await provider(() => stsError(code, message));
    const error = await credentials().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(expected);
    expect(error?.cause).toBeInstanceOf(Error);
    expect(calls).toHaveLength(1);
  });

  it('says which permission the job lacks when the runner gives no ID token', async () => {
    const credentials = webIdentityCredentials({
      roleArn: ROLE,
      sessionName: 's',
      region: 'eu-west-1',
      idToken: async () => {
        throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      },
      mask: () => {},
    });
    await expect(credentials()).rejects.toThrow(/permissions: id-token: write/);
  });
});
