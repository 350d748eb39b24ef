// The runner's ID-token request endpoint: a job gets ACTIONS_ID_TOKEN_REQUEST_URL (already holding
// `?api-version=2.0`, so @actions/core appends `&audience=...`) and ACTIONS_ID_TOKEN_REQUEST_TOKEN
// (sent as a bearer token). A GET answers `{"value": "<jwt>"}` as the runner's service does.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { GithubJobClaims } from './github-claims.ts';
import type { OidcIssuer, TokenOptions } from './issuer.ts';

export interface IdTokenGrant {
  requestUrl: string;
  requestToken: string;
}

interface StoredGrant {
  token: Buffer;
  job: GithubJobClaims;
  options: Omit<TokenOptions, 'audience'>;
  expiresAt: number;
}

export interface IdTokenAnswer {
  status: number;
  body: unknown;
}

const PATH = /^\/_apis\/distributedtask\/hubs\/Actions\/plans\/([0-9a-f-]{36})\/jobs\/([0-9a-f-]{36})\/idtoken$/;

export class IdTokenGrants {
  readonly #issuer: OidcIssuer;
  readonly #baseUrl: string;
  readonly #now: () => Date;
  readonly #grants = new Map<string, StoredGrant>();

  constructor(issuer: OidcIssuer, baseUrl: string, now: () => Date = () => new Date()) {
    this.#issuer = issuer;
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#now = now;
  }

  /** A request URL and token for one job; tokens it answers carry the job's claims. */
  grant(
    job: GithubJobClaims,
    options: Omit<TokenOptions, 'audience'> & { validForSeconds?: number } = {},
  ): IdTokenGrant {
    const { validForSeconds = 6 * 3600, ...tokenOptions } = options;
    const plan = randomUUID();
    const jobId = randomUUID();
    const token = randomBytes(32).toString('base64url');
    this.#grants.set(`${plan}/${jobId}`, {
      token: Buffer.from(token),
      job,
      options: tokenOptions,
      expiresAt: this.#now().getTime() + validForSeconds * 1000,
    });
    return {
      requestUrl: `${this.#baseUrl}/_apis/distributedtask/hubs/Actions/plans/${plan}/jobs/${jobId}/idtoken?api-version=2.0`,
      requestToken: token,
    };
  }

  /** Whether a path belongs to this endpoint. */
  static matches(pathname: string): boolean {
    return PATH.test(pathname);
  }

  async answer(url: URL, authorization: string | undefined): Promise<IdTokenAnswer> {
    const match = PATH.exec(url.pathname);
    const stored = match ? this.#grants.get(`${match[1]}/${match[2]}`) : undefined;
    if (!stored) return { status: 404, body: { message: 'The job was not found.' } };
    const presented = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
    if (presented.length !== stored.token.length || !timingSafeEqual(presented, stored.token)) {
      return { status: 401, body: { message: 'The user is not authorized to access this resource.' } };
    }
    if (this.#now().getTime() > stored.expiresAt) {
      return { status: 401, body: { message: 'The job token has expired.' } };
    }
    if (url.searchParams.get('api-version') !== '2.0') {
      return {
        status: 400,
        body: { message: `api-version: got '${url.searchParams.get('api-version')}'; expected 2.0` },
      };
    }
    const audience = url.searchParams.get('audience');
    const value = await this.#issuer.issue(
      stored.job,
      audience !== null && audience !== '' ? { ...stored.options, audience } : stored.options,
    );
    return { status: 200, body: { value } };
  }
}
