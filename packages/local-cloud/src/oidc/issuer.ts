// An OIDC issuer like GitHub's (token.actions.githubusercontent.com): an RS256 key pair, its
// discovery document and JWKS, and ID tokens with GitHub's claims. Faults on request: an expired
// token, one signed by a key the JWKS does not publish, one whose `kid` is unknown.
import { createHash } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type GithubJobClaims, githubTokenClaims } from './github-claims.ts';

export interface TokenOptions {
  /** `aud`; default GitHub's: `https://github.com/<owner>`. */
  audience?: string;
  /** Seconds the token is valid (GitHub: 5 minutes). */
  lifetimeSeconds?: number;
  /** Issue a token that expired `lifetimeSeconds` ago. */
  expired?: boolean;
  /** Sign with a key the JWKS does not publish, under the published `kid`. */
  wrongKey?: boolean;
  /** Sign with a key whose `kid` the JWKS does not list. */
  unknownKid?: boolean;
  /** Override or add claims after the defaults (e.g. `iss`). */
  extraClaims?: Record<string, unknown>;
}

export interface OidcDiscovery {
  issuer: string;
  jwks_uri: string;
  subject_types_supported: string[];
  response_types_supported: string[];
  claims_supported: string[];
  id_token_signing_alg_values_supported: string[];
  scopes_supported: string[];
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(kid?: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const id = kid ?? createHash('sha256').update(JSON.stringify(publicJwk)).digest('hex').slice(0, 40).toUpperCase();
  return { kid: id, privateKey, publicJwk: { ...publicJwk, kid: id, alg: 'RS256', use: 'sig' } };
}

export class OidcIssuer {
  readonly issuer: string;
  readonly #now: () => Date;
  readonly #key: SigningKey;
  readonly #wrongKey: SigningKey;
  readonly #unlistedKey: SigningKey;

  private constructor(issuer: string, now: () => Date, keys: [SigningKey, SigningKey, SigningKey]) {
    this.issuer = issuer;
    this.#now = now;
    [this.#key, this.#wrongKey, this.#unlistedKey] = keys;
  }

  /** `issuer` is the URL tokens carry in `iss` and discovery is served under. */
  static async create(options: { issuer: string; now?: () => Date }): Promise<OidcIssuer> {
    const key = await newKey();
    const keys: [SigningKey, SigningKey, SigningKey] = [key, await newKey(key.kid), await newKey()];
    return new OidcIssuer(options.issuer.replace(/\/$/, ''), options.now ?? (() => new Date()), keys);
  }

  discovery(): OidcDiscovery {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'sha',
        'repository',
        'repository_id',
        'repository_owner',
        'repository_owner_id',
        'run_id',
        'run_number',
        'run_attempt',
        'actor',
        'actor_id',
        'workflow',
        'workflow_ref',
        'workflow_sha',
        'head_ref',
        'base_ref',
        'event_name',
        'ref_type',
        'environment',
        'job_workflow_ref',
        'job_workflow_sha',
        'repository_visibility',
        'runner_environment',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.#key.publicJwk] };
  }

  /** A signed ID token for the job. */
  async issue(job: GithubJobClaims, options: TokenOptions = {}): Promise<string> {
    const claims = githubTokenClaims(job);
    const lifetime = options.lifetimeSeconds ?? 300;
    const now = Math.floor(this.#now().getTime() / 1000);
    const iat = options.expired === true ? now - lifetime - 60 : now;
    const key =
      options.wrongKey === true ? this.#wrongKey : options.unknownKid === true ? this.#unlistedKey : this.#key;
    return new SignJWT({
      ...claims,
      iss: this.issuer,
      aud: options.audience ?? `https://github.com/${claims.repository_owner}`,
      nbf: iat - 5,
      iat,
      exp: iat + lifetime,
      ...options.extraClaims,
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid.slice(0, 27) })
      .sign(key.privateKey);
  }
}
