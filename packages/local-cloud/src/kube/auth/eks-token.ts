// The EKS bearer token, checked as aws-iam-authenticator checks it before it asks STS:
// `k8s-aws-v1.` + base64url(presigned GetCallerIdentity URL), at most 4 KiB, a URL on the
// configured STS endpoint with path `/`, only the presign query parameters (each once),
// Action=GetCallerIdentity, `x-k8s-aws-id` among the signed headers, X-Amz-Expires within
// 0..900, X-Amz-Date at most 15 minutes old. Then STS (here: the local STS) checks the
// signature with the header `x-k8s-aws-id: <cluster name>`, so a token made for another cluster
// fails there.

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

/** The local STS's check of a presigned GetCallerIdentity URL (H5's STS implements it). */
export interface PresignedCallerIdentityVerifier {
  verifyPresignedGetCallerIdentity(
    url: string,
    options: { now: Date; headers: Record<string, string> },
  ): Promise<CallerIdentity>;
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
  /** the STS endpoints whose URLs are accepted (scheme and host:port), e.g. http://127.0.0.1:4566 */
  stsEndpoints: readonly string[];
  verifier: PresignedCallerIdentityVerifier;
  now: () => Date;
}

function formatError(message: string): TokenRejected {
  return new TokenRejected('format', message);
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Format checks only (no STS call): returns the presigned URL. */
export function checkEksTokenFormat(token: string, check: Omit<EksTokenCheck, 'verifier'>): URL {
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
    throw new TokenRejected('format', `token does not hold a URL: ${(error as Error).message}`, { cause: error });
  }
  const allowed = check.stsEndpoints.map((e) => new URL(e));
  if (!allowed.some((e) => e.protocol === url.protocol)) {
    throw formatError(`unexpected scheme "${url.protocol.replace(/:$/, '')}" in pre-signed URL`);
  }
  if (!allowed.some((e) => e.host === url.host && e.protocol === url.protocol)) {
    throw formatError(`unexpected hostname "${url.host}" in pre-signed URL`);
  }
  if (url.pathname !== '/') throw formatError('unexpected path in pre-signed URL');
  const lower = new Map<string, string>();
  for (const key of new Set(url.searchParams.keys())) {
    if (!ALLOWED_PARAMETERS.has(key.toLowerCase())) throw formatError(`non-whitelisted query parameter "${key}"`);
    const values = url.searchParams.getAll(key);
    if (values.length !== 1 || lower.has(key.toLowerCase())) {
      throw formatError('query parameter with multiple values not supported');
    }
    lower.set(key.toLowerCase(), values[0] ?? '');
  }
  if (lower.get('action') !== 'GetCallerIdentity') throw formatError('unexpected action parameter in pre-signed URL');
  const signed = (lower.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signed.includes(CLUSTER_ID_HEADER)) {
    throw formatError(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }
  const expiresText = lower.get('x-amz-expires') ?? '';
  const expires = /^-?\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!Number.isInteger(expires) || expires < 0 || expires > 900) {
    throw formatError(`invalid X-Amz-Expires parameter in pre-signed URL: ${Number.isNaN(expires) ? 0 : expires}`);
  }
  const dateText = lower.get('x-amz-date') ?? '';
  if (dateText === '') throw formatError('X-Amz-Date parameter must be present in pre-signed URL');
  const date = parseAmzDate(dateText);
  if (!date) throw formatError(`error parsing X-Amz-Date parameter ${dateText} into format 20060102T150405Z`);
  if (check.now().getTime() > date.getTime() + PRESIGNED_URL_LIFETIME_MS) {
    throw formatError(`X-Amz-Date parameter is expired (15 minute expiration) ${date.toISOString()}`);
  }
  return url;
}

/** The whole check: format, then the signature through STS. */
export async function verifyEksToken(token: string, check: EksTokenCheck): Promise<CallerIdentity> {
  const url = checkEksTokenFormat(token, check);
  try {
    return await check.verifier.verifyPresignedGetCallerIdentity(url.toString(), {
      now: check.now(),
      headers: { [CLUSTER_ID_HEADER]: check.clusterName },
    });
  } catch (error: unknown) {
    throw new TokenRejected('sts', `error from STS: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
