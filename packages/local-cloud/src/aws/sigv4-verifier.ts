// Verifies AWS Signature Version 4 as AWS does: parses the Authorization header (or the query of a
// presigned URL), looks the access key up among the issued credentials, checks the session token,
// the credential scope and the clock, re-derives the signature with @smithy/signature-v4 from the
// stored secret, and compares in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialStore, StoredCredentials } from './credential-store.ts';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export type SigV4Failure =
  /** no Authorization header and no X-Amz-Signature */
  | 'missing'
  /** malformed Authorization header or signing parameters */
  | 'incomplete'
  /** access key ID not known */
  | 'unknown-key'
  /** session token missing or not the one issued with the key */
  | 'bad-token'
  /** credentials past their expiration */
  | 'expired-token'
  /** signature differs */
  | 'signature'
  /** X-Amz-Date too far from the server's clock */
  | 'skew'
  /** presigned URL past X-Amz-Expires */
  | 'expired-request'
  /** credential scope names another region or service */
  | 'scope';

export class SigV4Error extends Error {
  readonly failure: SigV4Failure;
  constructor(failure: SigV4Failure, message: string) {
    super(message);
    this.failure = failure;
  }
}

/** An HTTP request as received (path + raw query in `url`, lower-case header names). */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>;
  body?: Uint8Array;
}

export interface VerifyOptions {
  /** Signing name of the service (`sts`, `ecr`, `eks`). */
  service: string;
  /** Regions the scope may name. */
  regions: readonly string[];
  now: Date;
  /** Allowed clock difference for header-signed requests (AWS: 5 minutes). */
  maxSkewMs?: number;
  /**
   * Presigned requests only: how long after X-Amz-Date the URL is valid, in place of its
   * X-Amz-Expires. STS ignores X-Amz-Expires and takes every presigned request for 15 minutes
   * after X-Amz-Date (the EKS token contract: aws-iam-authenticator signs with 60 and accepts 15 min).
   */
  presignedLifetimeMs?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

function header(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(text: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function queryObject(params: URLSearchParams, omit: ReadonlySet<string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    if (omit.has(key)) continue;
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * The path the client signed: the path as sent (already URI-encoded). The signer encodes it once
 * more, as SigV4 wants for every service but S3 ("each path segment must be URI-encoded twice");
 * the Go and JavaScript SDKs sign `/access-entries/arn%3Aaws...` as `arn%253Aaws...`.
 */
function canonicalPath(pathname: string): string {
  return pathname;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(text: string): Scope {
  const parts = text.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    throw new SigV4Error(
      'incomplete',
      `Credential should be of the form <access key>/<date>/<region>/<service>/aws4_request; got '${text}'`,
    );
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = parts;
  return { accessKeyId, date, region, service };
}

function fmt(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class SigV4Verifier {
  readonly #store: CredentialStore;

  constructor(store: CredentialStore) {
    this.#store = store;
  }

  #credentials(
    scope: Scope,
    sessionToken: string | undefined,
    options: VerifyOptions,
    amzDate: Date,
  ): StoredCredentials {
    const creds = this.#store.get(scope.accessKeyId);
    if (!creds) throw new SigV4Error('unknown-key', 'The security token included in the request is invalid.');
    if (creds.sessionToken !== undefined) {
      if (sessionToken === undefined || !sameHex(sessionToken, creds.sessionToken)) {
        throw new SigV4Error('bad-token', 'The security token included in the request is invalid.');
      }
    } else if (sessionToken !== undefined) {
      throw new SigV4Error('bad-token', 'The security token included in the request is invalid.');
    }
    if (creds.expiration !== undefined && options.now.getTime() >= creds.expiration.getTime()) {
      throw new SigV4Error('expired-token', 'The security token included in the request is expired');
    }
    if (!options.regions.includes(scope.region)) {
      throw new SigV4Error('scope', `Credential should be scoped to a valid region, not '${scope.region}'.`);
    }
    if (scope.service !== options.service) {
      throw new SigV4Error('scope', `Credential should be scoped to correct service: '${options.service}'.`);
    }
    if (scope.date !== fmt(amzDate).slice(0, 8)) {
      throw new SigV4Error(
        'signature',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${fmt(amzDate).slice(0, 8)}', from '${fmt(amzDate)}'.`,
      );
    }
    return creds;
  }

  #signer(creds: StoredCredentials, scope: Scope): SignatureV4 {
    return new SignatureV4({
      service: scope.service,
      region: scope.region,
      sha256: Sha256,
      applyChecksum: false,
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken !== undefined ? { sessionToken: creds.sessionToken } : {}),
      },
    });
  }

  /** Verifies a header-signed or presigned request; returns the caller's credentials record. */
  async verify(request: ReceivedRequest, options: VerifyOptions): Promise<StoredCredentials> {
    const url = new URL(request.url, 'http://localhost');
    if (url.searchParams.has('X-Amz-Signature') || url.searchParams.has('X-Amz-Algorithm')) {
      return this.#verifyPresigned(request, url, options);
    }
    const authorization = header(request.headers, 'authorization');
    if (authorization === undefined || authorization === '') {
      throw new SigV4Error('missing', 'Request is missing Authentication Token');
    }
    const m = /^AWS4-HMAC-SHA256 (.*)$/.exec(authorization);
    if (!m) throw new SigV4Error('incomplete', `Unsupported authorization type: ${authorization.split(' ')[0]}`);
    const fields = new Map<string, string>();
    for (const part of (m[1] ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields.get(f));
    if (missing.length > 0) {
      throw new SigV4Error(
        'incomplete',
        missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ') +
          ` Authorization=${authorization.split(' ')[0]}`,
      );
    }
    const scope = parseCredential(fields.get('Credential') ?? '');
    const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';');
    const amzDateText = header(request.headers, 'x-amz-date');
    const amzDate = parseAmzDate(amzDateText);
    if (!amzDate) {
      throw new SigV4Error(
        'incomplete',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    if (!signedHeaders.includes('host')) {
      throw new SigV4Error('signature', "'Host' must be a signed header.");
    }
    const creds = this.#credentials(scope, header(request.headers, 'x-amz-security-token'), options, amzDate);
    const skew = options.maxSkewMs ?? 5 * 60_000;
    if (Math.abs(options.now.getTime() - amzDate.getTime()) > skew) {
      const earlier = amzDate.getTime() < options.now.getTime();
      throw new SigV4Error(
        'skew',
        earlier
          ? `Signature expired: ${fmt(amzDate)} is now earlier than ${fmt(new Date(options.now.getTime() - skew))} (${fmt(options.now)} - 5 min.)`
          : `Signature not yet current: ${fmt(amzDate)} is still later than ${fmt(new Date(options.now.getTime() + skew))} (${fmt(options.now)} + 5 min.)`,
      );
    }
    const body = request.body ?? new Uint8Array();
    // Only S3 lets a client leave the payload out of the signature (`UNSIGNED-PAYLOAD`, the
    // `STREAMING-*` forms). STS, ECR and EKS always sign the body's SHA-256 (SigV4 docs, "Create
    // a canonical request": HashedPayload is the hash of the body), so a body swapped after
    // signing cannot verify, whatever the header claims.
    const contentSha = header(request.headers, 'x-amz-content-sha256');
    if (contentSha !== undefined) {
      const actual = createHash('sha256').update(body).digest('hex');
      if (!/^[0-9a-f]{64}$/.test(contentSha)) throw new SigV4Error('signature', SIGNATURE_MISMATCH);
      if (contentSha !== actual) {
        throw new SigV4Error('signature', 'The provided x-amz-content-sha256 header does not match what was computed.');
      }
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = header(request.headers, name);
      if (value === undefined)
        throw new SigV4Error('signature', `Signed header '${name}' is missing from the request.`);
      headers[name] = value;
    }
    const signed = await this.#signer(creds, scope).sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: url.hostname,
        path: canonicalPath(url.pathname),
        query: queryObject(url.searchParams, new Set()),
        headers,
        body,
      },
      { signingDate: amzDate, signableHeaders: new Set(signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
    if (!sameHex(fields.get('Signature') ?? '', expected)) {
      throw new SigV4Error('signature', SIGNATURE_MISMATCH);
    }
    return creds;
  }

  async #verifyPresigned(request: ReceivedRequest, url: URL, options: VerifyOptions): Promise<StoredCredentials> {
    const q = url.searchParams;
    const required = [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ];
    const missing = required.filter((name) => !q.get(name));
    if (missing.length > 0) {
      throw new SigV4Error('incomplete', `AWS query-string parameters missing: ${missing.join(', ')}`);
    }
    if (q.get('X-Amz-Algorithm') !== ALGORITHM) {
      throw new SigV4Error('incomplete', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
    }
    const scope = parseCredential(q.get('X-Amz-Credential') ?? '');
    const amzDate = parseAmzDate(q.get('X-Amz-Date') ?? undefined);
    if (!amzDate)
      throw new SigV4Error('incomplete', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
    const expiresText = q.get('X-Amz-Expires') ?? '';
    const expires = /^\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN;
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
      throw new SigV4Error('incomplete', 'X-Amz-Expires must be a number of seconds between 1 and 604800 (a week)');
    }
    const creds = this.#credentials(scope, q.get('X-Amz-Security-Token') ?? undefined, options, amzDate);
    const skew = options.maxSkewMs ?? 5 * 60_000;
    if (amzDate.getTime() - options.now.getTime() > skew) {
      throw new SigV4Error('expired-request', `Request is not yet valid: X-Amz-Date ${fmt(amzDate)} is in the future.`);
    }
    const lifetimeMs = options.presignedLifetimeMs ?? expires * 1000;
    if (options.now.getTime() > amzDate.getTime() + lifetimeMs) {
      throw new SigV4Error('expired-request', 'Request has expired.');
    }
    const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (!signedHeaders.includes('host')) throw new SigV4Error('signature', "'Host' must be a signed header.");
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = name === 'host' ? (header(request.headers, 'host') ?? url.host) : header(request.headers, name);
      if (value === undefined)
        throw new SigV4Error('signature', `Signed header '${name}' is missing from the request.`);
      headers[name] = value;
    }
    const omit = new Set([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
      'X-Amz-Security-Token',
    ]);
    const presigned = await this.#signer(creds, scope).presign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: url.hostname,
        path: canonicalPath(url.pathname),
        query: queryObject(q, omit),
        headers,
        ...(request.body !== undefined && request.body.length > 0 ? { body: request.body } : {}),
      },
      {
        signingDate: amzDate,
        expiresIn: expires,
        signableHeaders: new Set(signedHeaders),
        unhoistableHeaders: new Set(signedHeaders),
      },
    );
    const expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
    if (!sameHex(q.get('X-Amz-Signature') ?? '', expected)) {
      throw new SigV4Error('signature', SIGNATURE_MISMATCH);
    }
    return creds;
  }
}
