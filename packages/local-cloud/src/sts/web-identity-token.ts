// Verifies a web identity token as STS AssumeRoleWithWebIdentity does: a JWT from an issuer
// registered as an IAM OIDC provider, signed by a key of the issuer's JWKS (fetched through its
// discovery document, as AWS does), not expired, with an audience among the provider's client IDs.
import { get as httpsGet } from 'node:https';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload } from 'jose';
import { QueryProtocolError } from '../aws/query-protocol.ts';
import type { Iam, OidcProviderEntry } from '../iam/iam.ts';

export interface VerifiedWebIdentity {
  provider: OidcProviderEntry;
  claims: JWTPayload;
  subject: string;
  /** The audience that matched one of the provider's client IDs. */
  audience: string;
}

export type JwksSource = (provider: OidcProviderEntry) => Promise<{ keys: JWK[] }>;

/** GETs a JSON document over HTTPS, trusting `caPem` (the local cloud's issuer), bounded in size and time. */
function getJsonOverHttps(url: string, caPem: string | undefined): Promise<unknown> {
  const target = new URL(url);
  // AWS fetches the keys of an OIDC provider over HTTPS only.
  if (target.protocol !== 'https:') return Promise.reject(new Error(`${url}: not an https URL`));
  return new Promise((resolve, reject) => {
    const req = httpsGet(target, { ...(caPem ? { ca: caPem } : {}), timeout: 10_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 1024 * 1024) req.destroy(new Error(`${url}: more than 1 MiB`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

/**
 * Fetches `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`, over HTTPS as AWS does;
 * `caPem` is the CA the local issuer's certificate comes from.
 */
export function discoveryJwksSource(caPem?: string): JwksSource {
  return async (provider) => {
    const discovery = (await getJsonOverHttps(`${provider.url}/.well-known/openid-configuration`, caPem)) as {
      jwks_uri?: unknown;
    };
    if (typeof discovery.jwks_uri !== 'string') throw new Error(`${provider.url}: discovery has no jwks_uri`);
    const jwks = (await getJsonOverHttps(discovery.jwks_uri, caPem)) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error(`${discovery.jwks_uri}: no keys`);
    return { keys: jwks.keys as JWK[] };
  };
}

const NOT_A_JWT = 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const BAD_SIGNATURE =
  'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';

function invalid(message: string): QueryProtocolError {
  return new QueryProtocolError('InvalidIdentityToken', message, 400);
}

export async function verifyWebIdentityToken(
  token: string,
  options: { iam: Iam; jwks: JwksSource; now: Date },
): Promise<VerifiedWebIdentity> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw invalid(NOT_A_JWT);
  }
  if (header.alg !== 'RS256' && header.alg !== 'RS384' && header.alg !== 'RS512' && header.alg !== 'ES256') {
    throw invalid(`Unsupported signing algorithm: ${String(header.alg)}`);
  }
  if (typeof claims.iss !== 'string') throw invalid(NOT_A_JWT);
  const provider = options.iam.findOidcProvider(claims.iss);
  if (!provider) throw invalid(`No OpenIDConnect provider found in your account for ${claims.iss}`);

  let keys: JWK[];
  try {
    keys = (await options.jwks(provider)).keys;
  } catch {
    throw new QueryProtocolError('IDPCommunicationError', NO_KEY, 400);
  }
  const jwk = keys.find((k) => (header.kid === undefined ? keys.length === 1 : k.kid === header.kid));
  if (!jwk) throw invalid(NO_KEY);
  try {
    await compactVerify(token, await importJWK(jwk, header.alg));
  } catch {
    throw invalid(BAD_SIGNATURE);
  }

  const now = Math.floor(options.now.getTime() / 1000);
  if (typeof claims.exp !== 'number') throw invalid(NOT_A_JWT);
  if (now >= claims.exp) {
    // AWS's own wording, missing space included.
    throw new QueryProtocolError(
      'ExpiredTokenException',
      `Token expired: current date/time ${now} must be before the expiration date/time${claims.exp}`,
      400,
    );
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300) throw invalid('Token is not yet valid (nbf).');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const audience = audiences.find((a) => provider.clientIds.includes(a));
  if (audience === undefined) throw invalid('Incorrect token audience');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalid(NOT_A_JWT);
  return { provider, claims, subject: claims.sub, audience };
}
