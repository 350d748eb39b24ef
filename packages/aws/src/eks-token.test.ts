import { createHash, createHmac } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createEksToken, decodeEksToken, eksTokenProvider, stsEndpointFor } from './eks-token.ts';

const credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'secret/key/example',
  sessionToken: 'session-token',
};
const date = new Date('2026-11-25T08:00:00Z');

/** An independent SigV4 implementation (node:crypto), to check the presigned URL's signature. */
function expectedSignature(url: URL, secret: string, clusterName: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const signedHeaders = url.searchParams.get('X-Amz-SignedHeaders') ?? '';
  const headerValues: Record<string, string> = { host: url.host, 'x-k8s-aws-id': clusterName };
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((h) => `${h}:${headerValues[h]}\n`)
    .join('');
  // Like aws-iam-authenticator's Go SDK: a presigned STS request signs the empty payload's hash.
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonical = ['GET', '/', query, canonicalHeaders, signedHeaders, emptyPayload].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const scope = (url.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const [day, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`)
    .update(day ?? '')
    .digest();
  for (const part of [region, service, 'aws4_request'])
    key = createHmac('sha256', key)
      .update(part ?? '')
      .digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

/** What a verifier holding the secret does: presign the same request again and compare. */
async function resigned(url: URL, secret: string, clusterName: string): Promise<string | undefined> {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!k.startsWith('X-Amz-')) query[k] = v;
  const [day, region] = (url.searchParams.get('X-Amz-Credential') ?? '').split('/').slice(1);
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  expect(amzDate.slice(0, 8)).toBe(day);
  const signer = new SignatureV4({
    service: 'sts',
    region: region ?? '',
    sha256: Sha256,
    credentials: {
      accessKeyId: (url.searchParams.get('X-Amz-Credential') ?? '').split('/')[0] ?? '',
      secretAccessKey: secret,
      sessionToken: url.searchParams.get('X-Amz-Security-Token') ?? '',
    },
  });
  const again = await signer.presign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { host: url.host, 'x-k8s-aws-id': clusterName },
    },
    { expiresIn: Number(url.searchParams.get('X-Amz-Expires')), signingDate },
  );
  const signature = again.query?.['X-Amz-Signature'];
  return typeof signature === 'string' ? signature : undefined;
}

describe('EKS token', () => {
  it('verifies when a holder of the secret re-signs it with @smithy/signature-v4, and not for another cluster', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-eu',
      region: 'eu-west-1',
      credentials,
      now: () => date,
    });
    const url = decodeEksToken(token);
    expect(await resigned(url, credentials.secretAccessKey, 'prod-eu')).toBe(url.searchParams.get('X-Amz-Signature'));
    expect(await resigned(url, credentials.secretAccessKey, 'prod-us')).not.toBe(
      url.searchParams.get('X-Amz-Signature'),
    );
    expect(await resigned(url, 'other-secret', 'prod-eu')).not.toBe(url.searchParams.get('X-Amz-Signature'));
  });

  it('is a presigned GetCallerIdentity with x-k8s-aws-id signed, base64url without padding', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-eu',
      region: 'eu-west-1',
      credentials,
      now: () => date,
    });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('Version')).toBe('2011-06-15');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261125T080000Z');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session-token');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('ASIAEXAMPLEEXAMPLE01/20261125/eu-west-1/sts/aws4_request');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, credentials.secretAccessKey, 'prod-eu'),
    );
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(
      expectedSignature(url, credentials.secretAccessKey, 'other'),
    );
  });

  it.each([
    ['eu-west-1', false, 'sts.eu-west-1.amazonaws.com'],
    ['us-east-1', true, 'sts-fips.us-east-1.amazonaws.com'],
    ['cn-north-1', false, 'sts.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', false, 'sts.cn-northwest-1.amazonaws.com.cn'],
    ['us-gov-west-1', false, 'sts.us-gov-west-1.amazonaws.com'],
    ['us-gov-east-1', true, 'sts.us-gov-east-1.amazonaws.com'],
    ['ca-central-1', true, 'sts-fips.ca-central-1.amazonaws.com'],
  ])('in %s (FIPS %s) names %s, as the SDK resolves STS, signed for that host', async (region, fips, host) => {
    const { token } = await createEksToken({
      clusterName: 'c1',
      region,
      credentials,
      useFipsEndpoint: fips,
      now: () => date,
    });
    const url = decodeEksToken(token);
    expect(url.origin).toBe(`https://${host}`);
    expect(url.searchParams.get('X-Amz-Credential')).toBe(`ASIAEXAMPLEEXAMPLE01/20261125/${region}/sts/aws4_request`);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, credentials.secretAccessKey, 'c1'));
  });

  it('takes FIPS from the SDK setting (AWS_USE_FIPS_ENDPOINT) when not given', async () => {
    const saved = process.env.AWS_USE_FIPS_ENDPOINT;
    process.env.AWS_USE_FIPS_ENDPOINT = 'true';
    try {
      expect((await stsEndpointFor('us-west-2')).host).toBe('sts-fips.us-west-2.amazonaws.com');
      expect((await stsEndpointFor('us-west-2', { useFipsEndpoint: false })).host).toBe('sts.us-west-2.amazonaws.com');
    } finally {
      if (saved === undefined) delete process.env.AWS_USE_FIPS_ENDPOINT;
      else process.env.AWS_USE_FIPS_ENDPOINT = saved;
    }
    expect((await stsEndpointFor('us-west-2')).host).toBe('sts.us-west-2.amazonaws.com');
  });

  it('renews the token after 14 minutes, and not before', async () => {
    let now = date.getTime();
    let asked = 0;
    const masked: string[] = [];
    const provider = eksTokenProvider({
      clusterName: 'c',
      region: 'us-east-1',
      mask: (secret) => masked.push(secret),
      now: () => new Date(now),
      credentials: async () => {
        asked++;
        return credentials;
      },
    });
    const first = await provider();
    now += 13 * 60_000;
    expect(await provider()).toBe(first);
    now += 60_000;
    const second = await provider();
    expect(second).not.toBe(first);
    expect(asked).toBe(2);
    // each token is masked once, before it is handed out
    expect(masked).toEqual([first, second]);
  });
});
