// The registry auth challenge: an unauthenticated request gets 401 with WWW-Authenticate; Basic
// means sending the credentials with every request, Bearer means fetching a token for the
// request's scopes from the realm (with the credentials as Basic auth, or anonymously), cached
// until shortly before it expires.
import type { Logger } from '@bakeline/toolkit';
import type { RegistryCredentials } from './registry-types.ts';
import { type Challenge, parseChallenge } from './www-authenticate.ts';

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface RegistryAuthOptions {
  registry: string;
  credentials?: RegistryCredentials | (() => Promise<RegistryCredentials | undefined>);
  fetch: typeof fetch;
  logger: Logger;
  now?: () => number;
  /** How long a token request may take, answer and body included (default 30 s). */
  tokenTimeoutMs?: number;
  /** Aborts token requests (a cancelled push). */
  signal?: AbortSignal;
}

export const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;

/** 127.0.0.0/8, localhost and ::1: where plain http stays on the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}

function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Authorization for every request of one client. Requests run concurrently, so the login is
 * single-flight: one credentials lookup, and one token request per scope set in flight, shared by
 * every request that needs it. A request refused with 401 is sent once more (see unauthorized()).
 */
export class RegistryAuth {
  readonly #options: RegistryAuthOptions;
  readonly #now: () => number;
  #challenge: Challenge | undefined;
  #credentials: Promise<RegistryCredentials | undefined> | undefined;
  readonly #tokens = new Map<string, Promise<CachedToken>>();

  constructor(options: RegistryAuthOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #getCredentials(): Promise<RegistryCredentials | undefined> {
    if (this.#credentials === undefined) {
      const source = this.#options.credentials;
      const pending = typeof source === 'function' ? source() : Promise.resolve(source);
      this.#credentials = pending;
      // a failed lookup is not kept: the next request asks again
      pending.catch(() => {
        if (this.#credentials === pending) this.#credentials = undefined;
      });
    }
    return this.#credentials;
  }

  /** The token for a scope set: the cached one while valid, else one request shared by all callers. */
  async #token(challenge: Challenge, scopes: readonly string[]): Promise<CachedToken> {
    const key = scopeKey(scopes);
    const cached = this.#tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > this.#now()) return token;
      if (this.#tokens.get(key) !== cached) return this.#token(challenge, scopes); // another caller renewed it
    }
    const pending = this.#fetchToken(challenge, scopes);
    this.#tokens.set(key, pending);
    pending.catch(() => {
      if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    });
    return pending;
  }

  /** The Authorization header for a request needing `scopes`, once a challenge is known. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      const credentials = await this.#getCredentials();
      return credentials ? basicHeader(credentials) : undefined;
    }
    if (challenge.scheme === 'bearer') return `Bearer ${(await this.#token(challenge, scopes)).token}`;
    return undefined;
  }

  /**
   * Learns the challenge of a 401 answer to a request that was sent with `sent` (its Authorization
   * header, or undefined). True when sending that request once more can succeed:
   * - it went out before the challenge was known, or with credentials older than the current ones
   *   (concurrent first requests all meet the 401; each is retried once, sharing one login);
   * - Bearer: its token was refused (expired, revoked, too narrow): that token is dropped, and the
   *   retry asks for a new one (a single request however many callers were refused).
   * False when these very credentials were refused, or the challenge is not Basic/Bearer.
   */
  async unauthorized(
    response: { headers: { get(name: string): string | null } },
    scopes: readonly string[],
    sent: string | undefined,
  ): Promise<boolean> {
    const header = response.headers.get('www-authenticate');
    const parsed = header ? parseChallenge(header) : undefined;
    if (parsed === undefined || (parsed.scheme !== 'bearer' && parsed.scheme !== 'basic')) return false;
    // the challenge's scope names what the refused request needed; tokens are asked for each request's own scopes
    const { scope: _scope, error: _error, ...params } = parsed.params;
    const challenge: Challenge = { scheme: parsed.scheme, params };
    const known = this.#challenge;
    if (known === undefined || known.scheme !== challenge.scheme || known.params.realm !== challenge.params.realm) {
      this.#challenge = challenge;
      this.#tokens.clear();
    }
    if (challenge.scheme === 'bearer') {
      if (sent?.startsWith('Bearer ')) {
        const key = scopeKey(scopes);
        const cached = this.#tokens.get(key);
        const token = await cached?.catch(() => undefined);
        if (cached && token !== undefined && `Bearer ${token.token}` === sent && this.#tokens.get(key) === cached) {
          this.#tokens.delete(key);
        }
      }
      return true;
    }
    const credentials = await this.#getCredentials().catch(() => undefined);
    if (credentials === undefined) return false;
    if (sent === undefined || sent !== basicHeader(credentials)) return true;
    // these credentials were refused: a credentials function may have newer ones (an expired login)
    if (typeof this.#options.credentials !== 'function') return false;
    if (this.#credentials !== undefined && (await this.#credentials.catch(() => undefined)) === credentials) {
      this.#credentials = undefined;
    }
    const fresh = await this.#getCredentials().catch(() => undefined);
    return fresh !== undefined && basicHeader(fresh) !== sent;
  }

  async #fetchToken(challenge: Challenge, scopes: readonly string[]): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new Error(`registry ${this.#options.registry}: Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch (error: unknown) {
      throw new Error(`registry ${this.#options.registry}: token realm '${realm}' is not a URL`, { cause: error });
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const wanted = [...new Set(scopes)].sort();
    for (const scope of wanted) url.searchParams.append('scope', scope);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`registry ${this.#options.registry}: token realm '${realm}' is not an http(s) URL`);
    }
    const credentials = await this.#getCredentials();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials) {
      // the Basic credentials would cross the network in clear text (crane refuses such realms too)
      if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        throw new Error(
          `registry ${this.#options.registry}: token realm '${url.origin}${url.pathname}' is plain http on another machine; refusing to send the registry credentials there: https is required`,
        );
      }
      url.searchParams.set('account', credentials.username);
      headers.authorization = basicHeader(credentials);
    }
    const where = `${url.origin}${url.pathname}`;
    this.#options.logger.debug(`registry ${this.#options.registry}: token for ${wanted.join(' ')} from ${where}`);
    const timeoutMs = this.#options.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = this.#options.signal ? AbortSignal.any([timeout, this.#options.signal]) : timeout;
    try {
      return await this.#requestToken(url, headers, signal);
    } catch (error: unknown) {
      if (timeout.aborted && !this.#options.signal?.aborted) {
        throw new Error(
          `registry ${this.#options.registry}: token request to ${where} got no complete answer within ${timeoutMs / 1000} s`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async #requestToken(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<CachedToken> {
    const response = await this.#options.fetch(url, { headers, signal });
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 200).trim();
      throw new Error(
        `registry ${this.#options.registry}: token request to ${url.origin}${url.pathname} failed: ${response.status}${text ? `: ${text}` : ''}${response.status === 401 ? ' (check the registry credentials)' : ''}`,
      );
    }
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`registry ${this.#options.registry}: token response from ${url.origin} has no token`);
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { token, expiresAt: this.#now() + Math.max(lifetime - 10, lifetime / 2) * 1000 };
  }
}
