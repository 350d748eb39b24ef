// The bearer token EKS accepts, made as aws-iam-authenticator and `aws eks get-token` make it:
// a presigned STS GetCallerIdentity URL whose signed headers include `x-k8s-aws-id: <cluster>`,
// base64url-encoded (no padding) behind `k8s-aws-v1.`. EKS accepts it for 15 minutes after its
// X-Amz-Date; the provider renews it after 14.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials, MaskSecret } from './aws-credentials.ts';

export interface EksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  /** STS endpoint (default https://sts.<region>.amazonaws.com). */
  stsEndpoint?: string;
  now?: () => Date;
}

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';

export function stsEndpointFor(region: string, override?: string): URL {
  return new URL(override ?? `https://sts.${region}.amazonaws.com`);
}

/** A fresh EKS token and the time it was signed. */
export async function createEksToken(options: EksTokenOptions): Promise<{ token: string; signedAt: Date }> {
  const endpoint = stsEndpointFor(options.region, options.stsEndpoint);
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
