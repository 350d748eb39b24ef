// The bearer token EKS accepts, made as aws-iam-authenticator and `aws eks get-token` make it:
// a presigned STS GetCallerIdentity URL whose signed headers include `x-k8s-aws-id: <cluster>`,
// base64url-encoded (no padding) behind `k8s-aws-v1.`. EKS accepts it for 15 minutes after its
// X-Amz-Date; the provider renews it after 14.
//
// The URL names the STS host the SDK's endpoint resolution gives for the region (its partition:
// aws, aws-cn, aws-us-gov; FIPS when asked or when AWS_USE_FIPS_ENDPOINT / the profile says so),
// because EKS's authenticator accepts only STS host names of its partition. A custom STS endpoint
// (the local cloud, a VPC endpoint) is never put in a token: the token is not sent to STS by us,
// EKS fetches it.
import { Sha256 } from '@aws-crypto/sha256-js';
import { STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials, MaskSecret } from './aws-credentials.ts';

export interface EksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  /** FIPS endpoints; default: the SDK's setting (AWS_USE_FIPS_ENDPOINT, the profile's use_fips_endpoint) */
  useFipsEndpoint?: boolean;
  now?: () => Date;
}

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';

/**
 * The STS endpoint of `region` as the SDK resolves it (regional, never the custom endpoint):
 * `https://sts.eu-west-1.amazonaws.com`, `https://sts.cn-north-1.amazonaws.com.cn`,
 * `https://sts-fips.us-east-1.amazonaws.com`, `https://sts.us-gov-west-1.amazonaws.com` (FIPS too).
 */
export async function stsEndpointFor(region: string, options: { useFipsEndpoint?: boolean } = {}): Promise<URL> {
  const client = new STSClient({
    region,
    ...(options.useFipsEndpoint !== undefined ? { useFipsEndpoint: options.useFipsEndpoint } : {}),
  });
  try {
    const useFips = await client.config.useFipsEndpoint();
    const endpoint = client.config.endpointProvider({
      Region: region,
      UseFIPS: useFips,
      UseDualStack: false,
      UseGlobalEndpoint: false,
    });
    return new URL(endpoint.url.href);
  } finally {
    client.destroy();
  }
}

/** A fresh EKS token and the time it was signed. */
export async function createEksToken(options: EksTokenOptions): Promise<{ token: string; signedAt: Date }> {
  const endpoint = await stsEndpointFor(
    options.region,
    options.useFipsEndpoint !== undefined ? { useFipsEndpoint: options.useFipsEndpoint } : {},
  );
  const signedAt = options.now?.() ?? new Date();
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
  const signer = new SignatureV4({
    service: 'sts',
    region: options.region,
    sha256: Sha256,
    credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey },
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname === '' ? '/' : endpoint.pathname,
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: endpoint.host, 'x-k8s-aws-id': options.clusterName },
    },
    { expiresIn: 60, signingDate: signedAt },
  );
  const url = new URL(`${endpoint.protocol}//${endpoint.host}${presigned.path}`);
  for (const [key, value] of Object.entries(presigned.query ?? {})) {
    url.searchParams.set(key, Array.isArray(value) ? (value[0] ?? '') : String(value ?? ''));
  }
  return { token: EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url'), signedAt };
}

/** The URL inside a token (for checks and tests). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) throw new Error(`EKS token: missing the ${EKS_TOKEN_PREFIX} prefix`);
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

/**
 * A token provider for long rollouts: returns the cached token while it is younger than
 * `renewAfterMs` (default 14 minutes), then signs a new one (with fresh credentials when a
 * credentials provider is given). Every token is masked before it is returned.
 */
export function eksTokenProvider(
  options: Omit<EksTokenOptions, 'credentials'> & {
    credentials: () => Promise<AwsCredentials>;
    renewAfterMs?: number;
    /** Registers each new token as a secret (setSecret) before it is handed to anyone. */
    mask: MaskSecret;
  },
): () => Promise<string> {
  let cached: { token: string; signedAt: Date } | undefined;
  const now = options.now ?? (() => new Date());
  const renewAfter = options.renewAfterMs ?? 14 * 60_000;
  return async () => {
    if (!cached || now().getTime() - cached.signedAt.getTime() >= renewAfter) {
      const created = await createEksToken({ ...options, credentials: await options.credentials() });
      options.mask(created.token);
      cached = created;
    }
    return cached.token;
  };
}
