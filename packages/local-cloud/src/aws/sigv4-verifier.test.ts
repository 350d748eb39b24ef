import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it, test } from 'vitest';
import { CredentialStore, type Principal } from './credential-store.ts';
import { type ReceivedRequest, SigV4Error, SigV4Verifier } from './sigv4-verifier.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const principal: Principal = {
  type: 'user',
  arn: 'arn:aws:iam::123456789012:user/u',
  accountId: '123456789012',
  userId: 'AIDAX',
};

function setup() {
  const store = new CredentialStore(() => NOW);
  const user = store.createAccessKey(principal);
  const session = store.issueTemporary({ ...principal, type: 'assumed-role' }, new Date(NOW.getTime() + 3600_000));
  const expired = store.issueTemporary({ ...principal, type: 'assumed-role' }, new Date(NOW.getTime() - 1000));
  return { store, user, session, expired, verifier: new SigV4Verifier(store) };
}

interface SignInput {
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  body?: string;
  query?: Record<string, string>;
  region?: string;
  service?: string;
  date?: Date;
  contentSha?: boolean;
  /** A payload hash header set before signing (the signer then signs that value, not the body's hash). */
  payloadHashHeader?: string;
}

/** Signs a request as an SDK would and returns it in the shape the server receives. */
async function signed(input: SignInput): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    service: input.service ?? 'ecr',
    region: input.region ?? 'eu-west-1',
    sha256: Sha256,
    credentials: input.creds,
    applyChecksum: input.contentSha ?? false,
  });
  const body = input.body ?? '{"repositoryName":"ostock/app"}';
  const query = input.query ?? {};
  const req = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      query,
      headers: {
        host: '127.0.0.1:4566',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
        ...(input.payloadHashHeader === undefined ? {} : { 'x-amz-content-sha256': input.payloadHashHeader }),
      },
      body,
    },
    { signingDate: input.date ?? NOW },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = String(v);
  const search = new URLSearchParams(query).toString();
  return { method: 'POST', url: `/${search === '' ? '' : `?${search}`}`, headers, body: Buffer.from(body) };
}

const options = { service: 'ecr', regions: ['eu-west-1'], now: NOW };

async function failure(verifier: SigV4Verifier, request: ReceivedRequest, o = options) {
  try {
    await verifier.verify(request, o);
  } catch (error) {
    if (error instanceof SigV4Error) return { failure: error.failure, message: error.message };
    throw error;
  }
  return undefined;
}

describe('SigV4Verifier', () => {
  it('accepts what the SDK signer signs, with and without x-amz-content-sha256, and returns the caller', async () => {
    const { verifier, user, session } = setup();
    await expect(verifier.verify(await signed({ creds: user }), options)).resolves.toMatchObject({ principal });
    const withToken = {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken ?? '',
    };
    await expect(
      verifier.verify(await signed({ creds: withToken, contentSha: true, query: { a: 'b c' } }), options),
    ).resolves.toBe(session);
  });

  test.each([
    [
      'a body changed after signing',
      (r: ReceivedRequest) => ({ ...r, body: Buffer.from('{"repositoryName":"other"}') }),
      'signature',
    ],
    ['a query changed after signing', (r: ReceivedRequest) => ({ ...r, url: '/?x=1' }), 'signature'],
    [
      'a signed header dropped',
      (r: ReceivedRequest) => ({ ...r, headers: { ...r.headers, 'x-amz-target': undefined } }),
      'signature',
    ],
    [
      'a signed header changed',
      (r: ReceivedRequest) => ({
        ...r,
        headers: { ...r.headers, 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.PutImage' },
      }),
      'signature',
    ],
    [
      'no Authorization header',
      (r: ReceivedRequest) => ({ ...r, headers: { ...r.headers, authorization: undefined } }),
      'missing',
    ],
    [
      'an Authorization header without Signature',
      (r: ReceivedRequest) => ({
        ...r,
        headers: { ...r.headers, authorization: String(r.headers.authorization).replace(/, Signature=.*/, '') },
      }),
      'incomplete',
    ],
    [
      'another algorithm',
      (r: ReceivedRequest) => ({ ...r, headers: { ...r.headers, authorization: 'AWS3-HTTPS AWSAccessKeyId=x' } }),
      'incomplete',
    ],
  ])('refuses %s', async (_name, mangle, expected) => {
    const { verifier, user } = setup();
    expect((await failure(verifier, mangle(await signed({ creds: user }))))?.failure).toBe(expected);
  });

  it('refuses a payload hash header that does not match the body', async () => {
    const { verifier, user } = setup();
    const req = await signed({ creds: user, contentSha: true });
    const r = await failure(verifier, { ...req, body: Buffer.from('{}') });
    expect(r).toEqual({
      failure: 'signature',
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    });
  });

  test.each([
    ['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD'],
    ['a streaming payload', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
  ])('refuses a body left out of the signature (%s), swapped or not: only S3 allows that', async (_name, value) => {
    const { verifier, user } = setup();
    const req = await signed({ creds: user, payloadHashHeader: value });
    expect(String(req.headers.authorization)).toContain('x-amz-content-sha256');
    for (const body of [req.body ?? new Uint8Array(), Buffer.from('{"repositoryName":"swapped"}')]) {
      expect(await failure(verifier, { ...req, body })).toEqual({
        failure: 'signature',
        message: expect.stringContaining('The request signature we calculated does not match'),
      });
    }
  });

  test.each([
    ['an unknown access key', { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' }, {}, 'unknown-key'],
    ['another region in the scope', undefined, { region: 'us-east-1' }, 'scope'],
    ['another service in the scope', undefined, { service: 'sts' }, 'scope'],
    ['a date 6 minutes old', undefined, { date: new Date(NOW.getTime() - 6 * 60_000) }, 'skew'],
    ['a date 6 minutes ahead', undefined, { date: new Date(NOW.getTime() + 6 * 60_000) }, 'skew'],
  ])('refuses %s', async (_name, creds, extra, expected) => {
    const { verifier, user } = setup();
    expect((await failure(verifier, await signed({ creds: creds ?? user, ...extra })))?.failure).toBe(expected);
  });

  it('words a stale date as AWS does', async () => {
    const { verifier, user } = setup();
    const r = await failure(verifier, await signed({ creds: user, date: new Date(NOW.getTime() - 6 * 60_000) }));
    expect(r?.message).toBe(
      'Signature expired: 20260301T115400Z is now earlier than 20260301T115500Z (20260301T120000Z - 5 min.)',
    );
  });

  it('refuses temporary credentials without, or with another, session token, and expired ones', async () => {
    const { verifier, session, expired, user } = setup();
    const noToken = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey };
    expect((await failure(verifier, await signed({ creds: noToken })))?.failure).toBe('bad-token');
    const otherToken = { ...noToken, sessionToken: 'IQoJb3JpZ2luX2VjEother' };
    expect((await failure(verifier, await signed({ creds: otherToken })))?.failure).toBe('bad-token');
    const userWithToken = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey, sessionToken: 'x' };
    expect((await failure(verifier, await signed({ creds: userWithToken })))?.failure).toBe('bad-token');
    const old = {
      accessKeyId: expired.accessKeyId,
      secretAccessKey: expired.secretAccessKey,
      sessionToken: expired.sessionToken ?? '',
    };
    expect(await failure(verifier, await signed({ creds: old }))).toEqual({
      failure: 'expired-token',
      message: 'The security token included in the request is expired',
    });
  });

  it('refuses a presigned URL valid longer than a week', async () => {
    const { verifier, user } = setup();
    const url = `/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${user.accessKeyId}%2F20260301%2Feu-west-1%2Fsts%2Faws4_request&X-Amz-Date=20260301T120000Z&X-Amz-Expires=700000&X-Amz-SignedHeaders=host&X-Amz-Signature=${'0'.repeat(64)}`;
    const r = await failure(
      verifier,
      { method: 'GET', url, headers: { host: '127.0.0.1:1' } },
      { ...options, service: 'sts' },
    );
    expect(r?.failure).toBe('incomplete');
  });
});
