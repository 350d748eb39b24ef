// Registry passwords from GetAuthorizationToken: opaque (shaped like ECR's base64 JSON blob), valid
// 12 hours, bound to the caller that asked (its principal and session policies), so the registry
// front evaluates that caller's IAM policies on every request.
import { createHash, randomBytes } from 'node:crypto';
import type { StoredCredentials } from '../aws/credential-store.ts';

export interface RegistryToken {
  password: string;
  expiresAt: Date;
  caller: StoredCredentials;
}

export type TokenCheck = { ok: true; token: RegistryToken } | { ok: false; reason: 'unknown' | 'expired' };

export const TOKEN_LIFETIME_MS = 12 * 3600_000;

function key(password: string): string {
  return createHash('sha256').update(password).digest('hex');
}

export class RegistryTokens {
  readonly #tokens = new Map<string, RegistryToken>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** A password for `caller`; `expiresAt` other than now + 12 h only for tests of expiry. */
  issue(caller: StoredCredentials, options: { expiresAt?: Date } = {}): RegistryToken {
    const expiresAt = options.expiresAt ?? new Date(this.#now().getTime() + TOKEN_LIFETIME_MS);
    const password = Buffer.from(
      JSON.stringify({
        payload: randomBytes(384).toString('base64'),
        datakey: randomBytes(192).toString('base64'),
        version: '2',
        type: 'DATA_KEY',
        expiration: Math.floor(expiresAt.getTime() / 1000),
      }),
    ).toString('base64');
    const token = { password, expiresAt, caller };
    this.#tokens.set(key(password), token);
    return token;
  }

  check(password: string): TokenCheck {
    const token = this.#tokens.get(key(password));
    if (!token) return { ok: false, reason: 'unknown' };
    if (this.#now().getTime() >= token.expiresAt.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }
}
