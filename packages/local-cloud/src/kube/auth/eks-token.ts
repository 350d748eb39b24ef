// The EKS bearer token, checked as aws-iam-authenticator checks it (kubernetes-sigs/
// aws-iam-authenticator pkg/token/token.go Verify): `k8s-aws-v1.` + base64url(presigned
// GetCallerIdentity URL), at most 4 KiB; an https URL on an STS host name of the cluster's
// partition (sts-hostnames.ts), path `/`, only the presign query parameters (each once),
// Action=GetCallerIdentity, `x-k8s-aws-id` among the signed headers, X-Amz-Expires within 0..900,
// X-Amz-Date at most 15 minutes old. Then the URL is fetched with the header
// `x-k8s-aws-id: <cluster name>` and `accept: application/json`, and STS checks the signature, so
// a token made for another cluster fails there. Here the GET goes to the local STS on 127.0.0.1
// with the URL's own Host header (sts-forward.ts), which is what the client signed.
import { StsHostRejected, verifyStsHost } from './sts-hostnames.ts';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const MAX_TOKEN_BYTES = 4096;
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const PRESIGNED_URL_LIFETIME_MS = 15 * 60_000;
const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

export interface CallerIdentity {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` or an IAM user ARN */
  arn: string;
  account: string;
  /** `AROA...:<session>` or the user ID */
  userId: string;
  /** `arn:aws:iam::<account>:role/<role>` for assumed roles */
  roleArn?: string;
}

/** Sends the presigned GetCallerIdentity GET (with `headers`) and returns STS's answer. */
export interface GetCallerIdentityTransport {
  get(url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }>;
}

/** Why a token was refused: `format` (checked here) or `sts` (the signature check). */
export class TokenRejected extends Error {
  readonly kind: 'format' | 'sts';
  constructor(kind: 'format' | 'sts', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenRejected';
    this.kind = kind;
  }
}

export interface EksTokenCheck {
  clusterName: string;
  /** the cluster's partition (`aws`, `aws-cn`, `aws-us-gov`, ...) and region */
  partition: string;
  region: string;
  sts: GetCallerIdentityTransport;
  now: () => Date;
}

/** aws-iam-authenticator's FormatError. */
function formatError(message: string): TokenRejected {
  return new TokenRejected('format', `input token was not properly formatted: ${message}`);
}

/** aws-iam-authenticator's STSError. */
function stsError(message: string, cause?: unknown): TokenRejected {
  return new TokenRejected('sts', `sts getCallerIdentity failed: ${message}`, cause ? { cause } : undefined);
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Go's `%s` of a UTC time.Time: `2026-12-03 17:00:00 +0000 UTC`. */
function goTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** The region in an STS host (getStsRegion): `global` for sts.amazonaws.com. */
function stsRegionOf(host: string): string {
  return host === 'sts.amazonaws.com' ? 'global' : (host.split('.')[1] ?? '');
}

/** Format checks only (no STS call): returns the presigned URL. */
export function checkEksTokenFormat(token: string, check: Omit<EksTokenCheck, 'sts'>): URL {
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw formatError('token is too large');
  if (!token.startsWith(TOKEN_PREFIX)) throw formatError(`token is missing expected "${TOKEN_PREFIX}" prefix`);
  const encoded = token.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) {
    throw formatError('illegal base64 data in token');
  }
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (error: unknown) {
    throw new TokenRejected('format', `input token was not properly formatted: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'https') throw formatError(`unexpected scheme "${scheme}" in pre-signed URL`);
  try {
    verifyStsHost(url.host, check.partition, check.region);
  } catch (error: unknown) {
    if (error instanceof StsHostRejected) throw formatError(error.message);
    throw error;
  }
  if (url.pathname !== '/') throw formatError('unexpected path in pre-signed URL');
  const seen = new Set<string>();
  for (const key of new Set(url.searchParams.keys())) {
    if (seen.has(key.toLowerCase())) throw formatError(`duplicate query parameter found: "${key}"`);
    seen.add(key.toLowerCase());
  }
  const lower = new Map<string, string>();
  for (const key of new Set(url.searchParams.keys())) {
    if (!ALLOWED_PARAMETERS.has(key.toLowerCase())) throw formatError(`non-whitelisted query parameter "${key}"`);
    const values = url.searchParams.getAll(key);
    if (values.length !== 1) throw formatError('query parameter with multiple values not supported');
    lower.set(key.toLowerCase(), values[0] ?? '');
  }
  if (lower.get('action') !== 'GetCallerIdentity') throw formatError('unexpected action parameter in pre-signed URL');
  const signed = (lower.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signed.includes(CLUSTER_ID_HEADER)) {
    throw formatError(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }
  const expiresText = lower.get('x-amz-expires') ?? '';
  const expires = /^[+-]?\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!Number.isInteger(expires) || expires < 0 || expires > 900) {
    throw formatError(`invalid X-Amz-Expires parameter in pre-signed URL: ${Number.isNaN(expires) ? 0 : expires}`);
  }
  const dateText = lower.get('x-amz-date') ?? '';
  if (dateText === '') throw formatError('X-Amz-Date parameter must be present in pre-signed URL');
  const date = parseAmzDate(dateText);
  if (!date) {
    throw formatError(`error parsing X-Amz-Date parameter ${dateText} into format 20060102T150405Z`);
  }
  if (check.now().getTime() > date.getTime() + PRESIGNED_URL_LIFETIME_MS) {
    throw formatError(`X-Amz-Date parameter is expired (15 minute expiration) ${goTime(date)}`);
  }
  return url;
}

interface CallerIdentityJson {
  GetCallerIdentityResponse?: { GetCallerIdentityResult?: { Account?: string; Arn?: string; UserId?: string } };
}

/** The whole check: format, then GetCallerIdentity with the presigned URL. */
export async function verifyEksToken(token: string, check: EksTokenCheck): Promise<CallerIdentity> {
  const url = checkEksTokenFormat(token, check);
  const region = stsRegionOf(url.host);
  let answer: { status: number; body: string };
  try {
    answer = await check.sts.get(url, { [CLUSTER_ID_HEADER]: check.clusterName, accept: 'application/json' });
  } catch (error: unknown) {
    throw stsError(`error during GET: ${(error as Error).message} on ${region} endpoint`, error);
  }
  if (answer.status !== 200) {
    if (answer.body.includes('Throttling')) {
      throw new TokenRejected('sts', `sts getCallerIdentity was throttled: ${answer.body}`);
    }
    throw stsError(`error from AWS (expected 200, got ${answer.status}) on ${region} endpoint. Body: ${answer.body}`);
  }
  let parsed: CallerIdentityJson;
  try {
    parsed = JSON.parse(answer.body) as CallerIdentityJson;
  } catch (error: unknown) {
    throw stsError((error as Error).message, error);
  }
  const result = parsed.GetCallerIdentityResponse?.GetCallerIdentityResult;
  if (!result?.Arn || !result.Account || !result.UserId) {
    throw stsError(`unexpected GetCallerIdentity answer: ${answer.body}`);
  }
  return { arn: result.Arn, account: result.Account, userId: result.UserId };
}
