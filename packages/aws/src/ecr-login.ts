// The registry login ECR hands out (GetAuthorizationToken: base64 `AWS:<password>`, valid 12 hours),
// cached until 5 minutes before it expires. The token and the password are masked at once.
import { type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { MaskSecret } from './aws-credentials.ts';
import { explainEcrError } from './ecr-errors.ts';

export interface RegistryLogin {
  /** `host[:port]` of the registry (from proxyEndpoint). */
  registry: string;
  /** proxyEndpoint as ECR answered it (`https://<account>.dkr.ecr.<region>.amazonaws.com`). */
  endpoint: URL;
  username: string;
  password: string;
  expiresAt: Date;
}

const RENEW_BEFORE_MS = 5 * 60_000;

export class EcrLogin {
  readonly #client: ECRClient;
  readonly #registryId: string | undefined;
  readonly #mask: MaskSecret;
  readonly #now: () => number;
  #login: RegistryLogin | undefined;
  #pending: Promise<RegistryLogin> | undefined;

  constructor(client: ECRClient, options: { registryId?: string; mask: MaskSecret; now?: () => number }) {
    this.#client = client;
    this.#registryId = options.registryId;
    this.#mask = options.mask;
    this.#now = options.now ?? Date.now;
  }

  /** The cached login, or a new one when it expires within 5 minutes. */
  async get(): Promise<RegistryLogin> {
    if (this.#login && this.#login.expiresAt.getTime() - this.#now() > RENEW_BEFORE_MS) return this.#login;
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    this.#login = await this.#pending;
    return this.#login;
  }

  async #fetch(): Promise<RegistryLogin> {
    const out = await this.#client
      .send(new GetAuthorizationTokenCommand(this.#registryId ? { registryIds: [this.#registryId] } : {}))
      .catch((error: unknown) => {
        throw explainEcrError(error, 'Could not get an ECR registry login', 'ecr:GetAuthorizationToken');
      });
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw new Error('Could not get an ECR registry login: GetAuthorizationToken answered without authorization data');
    }
    this.#mask(data.authorizationToken);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new Error('Could not get an ECR registry login: the token is not base64 of user:password');
    const password = decoded.slice(colon + 1);
    this.#mask(password);
    let endpoint: URL;
    try {
      endpoint = new URL(data.proxyEndpoint);
    } catch (error: unknown) {
      throw new Error(`Could not get an ECR registry login: proxyEndpoint '${data.proxyEndpoint}' is not a URL`, {
        cause: error,
      });
    }
    return {
      registry: endpoint.host,
      endpoint,
      username: decoded.slice(0, colon),
      password,
      expiresAt: data.expiresAt ?? new Date(this.#now() + 12 * 3_600_000),
    };
  }
}
