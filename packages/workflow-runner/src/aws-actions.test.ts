// The local aws-actions refuse, before any AWS call, what they cannot do as the real actions do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AMAZON_ECR_LOGIN_INPUTS, amazonEcrLogin } from './amazon-ecr-login.ts';
import { CONFIGURE_AWS_INPUTS, configureAwsCredentials, requestIdToken } from './configure-aws-credentials.ts';

const ROLE = 'arn:aws:iam::123456789012:role/bakeline-ecr-push';
const STS = { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configure(env: Record<string, string>, given: Record<string, string>) {
  return configureAwsCredentials({ env, mask: () => {} }, { ...CONFIGURE_AWS_INPUTS, ...given });
}

describe('local aws-actions/configure-aws-credentials', () => {
  test.each([
    [{}, { 'role-to-assume': ROLE }, 'Input required and not supplied: aws-region'],
    [{}, { 'aws-region': 'Moon', 'role-to-assume': ROLE }, 'Region is not valid: Moon'],
    [{}, { 'aws-region': 'us-east-1' }, "input 'role-to-assume' is required"],
    [{}, { 'aws-region': 'us-east-1', 'role-to-assume': 'bakeline-ecr-push' }, "got 'bakeline-ecr-push'"],
    [{}, { 'aws-region': 'us-east-1', 'role-to-assume': ROLE, 'aws-access-key-id': 'AKIA' }, "'aws-access-key-id'"],
    [{}, { 'aws-region': 'us-east-1', 'role-to-assume': ROLE }, 'set AWS_ENDPOINT_URL_STS'],
    [STS, { 'aws-region': 'us-east-1', 'role-to-assume': ROLE, 'role-duration-seconds': '60' }, "got '60'"],
  ])('env %j with %j is refused: %s', async (env, given, message) => {
    await expect(configure(env, given)).rejects.toThrow(message);
  });

  test('without id-token: write (no request URL) it says which permission the job needs', async () => {
    await expect(configure(STS, { 'aws-region': 'us-east-1', 'role-to-assume': ROLE })).rejects.toThrow(
      'the job needs `permissions: id-token: write`',
    );
  });

  test('the ID token is requested for the audience with the bearer request token', async () => {
    let seen: { url: string; auth: string | null } | undefined;
    const fetchFn = (async (url: URL, init: RequestInit) => {
      seen = { url: String(url), auth: new Headers(init.headers).get('authorization') };
      return new Response(JSON.stringify({ value: 'a.b.c' }));
    }) as unknown as typeof fetch;
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?grant=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
    };
    expect(await requestIdToken(env, 'sts.amazonaws.com', fetchFn)).toBe('a.b.c');
    expect(seen).toEqual({ url: 'http://127.0.0.1:9/token?grant=1&audience=sts.amazonaws.com', auth: 'Bearer t' });
  });
});

describe('local aws-actions/amazon-ecr-login', () => {
  function login(env: Record<string, string>, given: Record<string, string>) {
    const temp = mkdtempSync(join(tmpdir(), 'bakeline-ecr-login-'));
    dirs.push(temp);
    return amazonEcrLogin({ env, temp, mask: () => {} }, { ...AMAZON_ECR_LOGIN_INPUTS, ...given });
  }
  const ready = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' };

  test.each([
    [ready, { 'registry-type': 'public' }, "input 'registry-type': got 'public'"],
    [ready, { 'mask-password': 'false' }, "input 'mask-password'"],
    [ready, { registries: '127.0.0.1:5000' }, "'127.0.0.1:5000' is not an AWS account ID"],
    [{ AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' }, {}, 'Region is missing (AWS_REGION)'],
    [{ AWS_REGION: 'us-east-1' }, {}, 'set AWS_ENDPOINT_URL_ECR'],
    [ready, {}, 'No AWS credentials'],
  ])('env %j with %j is refused: %s', async (env, given, message) => {
    await expect(login(env, given)).rejects.toThrow(message);
  });
});
