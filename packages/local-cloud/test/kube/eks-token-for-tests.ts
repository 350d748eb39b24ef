// EKS tokens for tests, good and deliberately broken: a presigned GetCallerIdentity URL (as
// aws-iam-authenticator and `aws eks get-token` make it) with knobs for each way a token can be
// wrong.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface TestTokenOptions {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** the STS endpoint the token names (default `https://sts.<region>.amazonaws.com`, as real clients) */
  endpoint?: string;
  clusterName: string;
  region?: string;
  now?: Date;
  ageSeconds?: number;
  /** false: x-k8s-aws-id is not a signed header */
  signClusterId?: boolean;
  /** a host other than the endpoint's (signed for that host) */
  host?: string;
  extraQuery?: Record<string, string>;
  action?: string;
  tamper?: 'signature' | 'prefix' | 'oversize';
}

export async function makeEksToken(o: TestTokenOptions): Promise<string> {
  const sts = new URL(o.endpoint ?? `https://sts.${o.region ?? 'us-east-1'}.amazonaws.com`);
  const host = o.host ?? sts.host;
  const [hostname, port] = host.split(':');
  const signedAt = new Date((o.now ?? new Date()).getTime() - (o.ageSeconds ?? 0) * 1000);
  const signer = new SignatureV4({
    service: 'sts',
    region: o.region ?? 'us-east-1',
    sha256: Sha256,
    credentials: o.credentials,
  });
  const headers: Record<string, string> = { host };
  if (o.signClusterId !== false) headers['x-k8s-aws-id'] = o.clusterName;
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: sts.protocol,
      hostname: hostname ?? '',
      ...(port ? { port: Number(port) } : {}),
      path: '/',
      query: { Action: o.action ?? 'GetCallerIdentity', Version: '2011-06-15', ...(o.extraQuery ?? {}) },
      headers,
    },
    { expiresIn: 60, signingDate: signedAt },
  );
  const url = new URL(`${sts.protocol}//${host}/`);
  for (const [k, v] of Object.entries(presigned.query ?? {}))
    url.searchParams.set(k, Array.isArray(v) ? String(v[0]) : String(v));
  if (o.tamper === 'signature') {
    const sig = url.searchParams.get('X-Amz-Signature') ?? '';
    url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
  }
  const body = Buffer.from(url.toString()).toString('base64url');
  if (o.tamper === 'prefix') return `k8s-aws-v2.${body}`;
  if (o.tamper === 'oversize') return `k8s-aws-v1.${body}${'A'.repeat(4200)}`;
  return `k8s-aws-v1.${body}`;
}
