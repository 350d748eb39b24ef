import { afterEach, describe, expect, it } from 'vitest';
import {
  type AwsScript,
  type AwsTestServer,
  ecrAnswer,
  ecrError,
  startAwsTestServer,
} from '../test/aws-test-server.ts';
import { createEcrClient } from './ecr-client.ts';
import { EcrLogin } from './ecr-login.ts';

const NOW = Date.parse('2026-11-25T08:00:00Z');
const credentials = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function login(script: AwsScript, options: { registryId?: string; now?: () => number } = {}) {
  server = await startAwsTestServer(script);
  const masked: string[] = [];
  const client = createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 });
  return { login: new EcrLogin(client, { mask: (s) => masked.push(s), ...options }), masked, calls: server.calls };
}

const token = (password: string, expiresAt: number) =>
  ecrAnswer({
    authorizationData: [
      {
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: expiresAt / 1000,
        proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      },
    ],
  });

describe('EcrLogin', () => {
  it('decodes AWS:<password>, masks the token and the password, and names the registry host', async () => {
    const { login: l, masked } = await login(() => token('pw-1', NOW + 12 * 3_600_000));
    const got = await l.get();
    expect(got).toMatchObject({
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      username: 'AWS',
      password: 'pw-1',
    });
    expect(masked).toEqual([Buffer.from('AWS:pw-1').toString('base64'), 'pw-1']);
    expect(masked.join()).not.toContain('123456789012');
  });

  it('asks for the given registry only', async () => {
    const { login: l, calls } = await login(() => token('pw', NOW + 3_600_000), { registryId: '210987654321' });
    await l.get();
    expect(calls[0]).toMatchObject({ operation: 'GetAuthorizationToken', params: { registryIds: ['210987654321'] } });
  });

  it('caches the login until 5 minutes before it expires', async () => {
    let now = NOW;
    const { login: l, calls } = await login((_c, i) => token(`pw-${i}`, NOW + 60 * 60_000), { now: () => now });
    expect((await l.get()).password).toBe('pw-0');
    now = NOW + 54 * 60_000;
    expect((await l.get()).password).toBe('pw-0');
    now = NOW + 56 * 60_000;
    expect((await l.get()).password).toBe('pw-1');
    expect(calls).toHaveLength(2);
  });

  it('names the missing permission when GetAuthorizationToken is denied', async () => {
    const { login: l } = await login(() =>
      ecrError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
      ),
    );
    await expect(l.get()).rejects.toThrow(
      /^Could not get an ECR registry login: AccessDeniedException: User: .* \(the role lacks ecr:GetAuthorizationToken: add it to the role's policy/,
    );
  });
});
