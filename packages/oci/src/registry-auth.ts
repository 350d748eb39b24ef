// The registry auth challenge: an unauthenticated request gets 401 with WWW-Authenticate; Basic
// means sending the credentials with every request, Bearer means fetching a token for the
// request's scopes from the realm (with the credentials as Basic auth, or anonymously), cached
// until shortly before it expires.
import type { Logger } from '@bakeline/toolkit';
import type { RegistryCredentials } from './registry-types.ts';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (the one challenge registries send). */
export function parseChallenge(header: string): Challenge | undefined {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]*)(?:\s+|$)/.exec(header);
  if (!scheme?.[1]) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const match of header.slice(scheme[0].length).matchAll(param)) {
    if (match[1]) params[match[1].toLowerCase()] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: scheme[1].toLowerCase(), params };
}

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
}

export class RegistryAuth {
  readonly #options: RegistryAuthOptions;
  readonly #now: () => number;
  #challenge: Challenge | undefined;
  #credentials: Promise<RegistryCredentials | undefined> | undefined;
  readonly #tokens = new Map<string, CachedToken>();

  constructor(options: RegistryAuthOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #getCredentials(): Promise<RegistryCredentials | undefined> {
    const source = this.#options.credentials;
    this.#credentials ??= typeof source === 'function' ? source() : Promise.resolve(source);
    return this.#credentials;
  }

  /** The Authorization header for a request needing `scopes`, once a challenge is known. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      const credentials = await this.#getCredentials();
      if (!credentials) return undefined;
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    if (challenge.scheme === 'bearer') {
      const key = [...scopes].sort().join(' ');
      const cached = this.#tokens.get(key);
      if (cached && cached.expiresAt > this.#now()) return `Bearer ${cached.token}`;
      const token = await this.#fetchToken(challenge, scopes);
      this.#tokens.set(key, token);
      return `Bearer ${token.token}`;
    }
    return undefined;
  }

  /**
   * Learns the challenge of a 401 answer. True when a retry with (new) credentials can succeed:
   * the first challenge, or a Bearer challenge asking for a scope the cached token lacked.
   */
  async unauthorized(
    response: { headers: { get(name: string): string | null } },
    scopes: readonly string[],
  ): Promise<boolean> {
    const header = response.headers.get('www-authenticate');
    const challenge = header ? parseChallenge(header) : undefined;
    if (challenge === undefined || (challenge.scheme !== 'bearer' && challenge.scheme !== 'basic')) return false;
    const known = this.#challenge;
    this.#challenge = challenge;
    if (challenge.scheme === 'bearer') {
      // a new token for these scopes (an expired or too narrow one is dropped); the caller retries once
      this.#tokens.delete([...scopes].sort().join(' '));
      return true;
    }
    if (known?.scheme === 'basic') return false; // credentials were sent and refused
    return (await this.#getCredentials()) !== undefined;
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
    const wanted = new Set(scopes);
    if (challenge.params.scope) for (const s of challenge.params.scope.split(' ')) wanted.add(s);
    for (const scope of [...wanted].sort()) url.searchParams.append('scope', scope);
    const credentials = await this.#getCredentials();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials) {
      url.searchParams.set('account', credentials.username);
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    this.#options.logger.debug(
      `registry ${this.#options.registry}: token for ${[...wanted].join(' ')} from ${url.origin}${url.pathname}`,
    );
    const response = await this.#options.fetch(url, { headers });
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
