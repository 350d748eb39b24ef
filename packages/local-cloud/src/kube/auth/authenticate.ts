// Request authentication, in the API server's order: a client certificate signed by the
// cluster CA (CN = user, O = groups), then a bearer token (static admin tokens, then EKS tokens
// mapped through access entries); no credentials = anonymous. Bad credentials are a 401 whose
// body says only "Unauthorized"; the reason is kept in the authentication log for tests and
// debugging, never sent to the client.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AccessEntries } from './access-entries.ts';
import { type EksTokenCheck, TokenRejected, verifyEksToken } from './eks-token.ts';
import { ANONYMOUS, type UserInfo } from './user.ts';

export interface AuthFailure {
  at: Date;
  reason: string;
  kind: 'format' | 'sts' | 'no-access-entry' | 'static-token' | 'scheme';
}

export class AuthenticationFailed extends Error {
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure) {
    super(failure.reason);
    this.name = 'AuthenticationFailed';
    this.failure = failure;
  }
}

export interface AuthenticatorOptions {
  staticTokens: ReadonlyMap<string, UserInfo>;
  /** EKS token checks; absent = EKS tokens are refused */
  eks?: EksTokenCheck;
  accessEntries: AccessEntries;
  now: () => Date;
}

export class Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly failures: AuthFailure[] = [];

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  #fail(kind: AuthFailure['kind'], reason: string): never {
    const failure = { at: this.#options.now(), kind, reason };
    this.failures.push(failure);
    if (this.failures.length > 200) this.failures.shift();
    throw new AuthenticationFailed(failure);
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    const socket = req.socket as TLSSocket;
    if (socket.authorized === true && typeof socket.getPeerCertificate === 'function') {
      const cert = socket.getPeerCertificate();
      const subject = cert?.subject as unknown as Record<string, string | string[]> | undefined;
      const cn = subject?.CN;
      if (typeof cn === 'string' && cn !== '') {
        const o = subject?.O;
        const groups = Array.isArray(o) ? o : typeof o === 'string' ? [o] : [];
        return { username: cn, groups: [...groups, 'system:authenticated'] };
      }
    }
    const header = req.headers.authorization;
    if (header === undefined) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return this.#fail('scheme', 'the Authorization header is not a bearer token');
    const token = m[1];
    const staticUser = this.#options.staticTokens.get(token);
    if (staticUser) return structuredClone(staticUser);
    const eks = this.#options.eks;
    if (!eks)
      return this.#fail('static-token', 'unknown bearer token (EKS tokens are not accepted: no STS configured)');
    try {
      const identity = await verifyEksToken(token, eks);
      const user = this.#options.accessEntries.userFor(identity);
      if (!user) {
        return this.#fail('no-access-entry', `no access entry for ${identity.arn} in cluster '${eks.clusterName}'`);
      }
      return user;
    } catch (error: unknown) {
      if (error instanceof AuthenticationFailed) throw error;
      if (error instanceof TokenRejected) return this.#fail(error.kind, error.message);
      throw error;
    }
  }
}
