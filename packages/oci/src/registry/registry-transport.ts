// One HTTP exchange with a registry, authenticated: a request that gets 401 learns the challenge
// (registry-auth.ts) and is sent once more with credentials. Bodies are factories so the retry
// can send them again (a file stream is reopened). Credentials go only to the registry's own
// origin (scheme, host and port): an upload Location on another host (a storage front, or a
// hostile registry) gets no Authorization, and its 401 challenges are not learnt. This is what
// go-containerregistry's bearer transport does (matchesHost) and what the redirects here do.
import type { Logger } from '@bakeline/toolkit';
import type { FileRange } from '../file-range.ts';
import type { HttpInit, HttpResponse, HttpSend } from './http-exchange.ts';
import { RegistryAuth } from './registry-auth.ts';
import { registryError } from './registry-errors.ts';
import type { RegistryCredentials } from './registry-types.ts';

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path (`/v2/...`) or an absolute URL (an upload Location). */
  url: string;
  scopes: readonly string[];
  headers?: Record<string, string>;
  body?: () => Uint8Array | AsyncIterable<Uint8Array> | FileRange;
  /** Statuses that count as success; others become a RegistryError. */
  expect: readonly number[];
  /** For error messages, e.g. `upload blob sha256:…`. */
  what: string;
}

export interface TransportOptions {
  registry: string;
  baseUrl: string;
  credentials?: RegistryCredentials | (() => Promise<RegistryCredentials | undefined>);
  fetch: typeof fetch;
  /** How requests are sent (node:http by default). */
  send: HttpSend;
  logger: Logger;
  /** Token requests time out after this (default 30 s). */
  tokenTimeoutMs?: number;
  /** Aborts every request (a cancelled push). */
  signal?: AbortSignal;
}

export class RegistryTransport {
  readonly baseUrl: string;
  readonly registry: string;
  readonly #send: HttpSend;
  readonly #auth: RegistryAuth;
  readonly #logger: Logger;
  readonly #origin: string;
  readonly #signal: AbortSignal | undefined;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl;
    this.#origin = new URL(options.baseUrl).origin;
    this.#signal = options.signal;
    this.registry = options.registry;
    this.#send = options.send;
    this.#logger = options.logger;
    const authOptions: ConstructorParameters<typeof RegistryAuth>[0] = {
      registry: options.registry,
      fetch: options.fetch,
      logger: options.logger,
    };
    if (options.credentials !== undefined) authOptions.credentials = options.credentials;
    if (options.tokenTimeoutMs !== undefined) authOptions.tokenTimeoutMs = options.tokenTimeoutMs;
    if (options.signal !== undefined) authOptions.signal = options.signal;
    this.#auth = new RegistryAuth(authOptions);
  }

  resolve(url: string): URL {
    return new URL(url, this.baseUrl);
  }

  /** Whether `url` is the registry itself (scheme, host and port), the one origin that gets credentials. */
  isRegistryOrigin(url: URL): boolean {
    return url.origin === this.#origin;
  }

  async #exchange(
    request: RegistryRequest,
  ): Promise<{ response: HttpResponse; authorization: string | undefined; own: boolean }> {
    this.#signal?.throwIfAborted();
    const url = this.resolve(request.url);
    const own = this.isRegistryOrigin(url);
    const headers: Record<string, string> = { ...request.headers };
    const authorization = own ? await this.#auth.header(request.scopes) : undefined;
    if (authorization) headers.authorization = authorization;
    const init: HttpInit = { method: request.method, headers };
    if (this.#signal) init.signal = this.#signal;
    if (request.body) init.body = request.body();
    this.#logger.debug(`${request.method} ${own ? '' : url.origin}${url.pathname}${url.search}`);
    return { response: await this.#send(url, init), authorization, own };
  }

  /**
   * Sends the request, and once more after a 401 the auth can answer (the challenge learnt, a
   * token renewed: each concurrent request is retried once); returns a response with an expected
   * status or throws.
   */
  async request(request: RegistryRequest): Promise<HttpResponse> {
    const first = await this.#exchange(request);
    let response = first.response;
    if (
      response.status === 401 &&
      first.own &&
      (await this.#auth.unauthorized(response, request.scopes, first.authorization))
    ) {
      await response.discard();
      response = (await this.#exchange(request)).response;
    }
    if (!request.expect.includes(response.status)) {
      throw await registryError(response, `registry ${this.registry}: ${request.what}`);
    }
    return response;
  }
}
