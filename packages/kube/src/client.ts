// A small typed Kubernetes API client over node:https: the few calls eks-promote makes, with the
// cluster's own CA, a bearer token that can be refreshed (EKS tokens live 15 minutes), and watch
// streams read line by line.

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { proxyAgentOptions } from '@bakeline/toolkit';
import { apiError } from './errors.ts';
import { changesNothing, DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelay } from './request-retry.ts';
import type { WatchEvent } from './types.ts';

export interface ClusterConnection {
  /** `https://host:port` of the API server. */
  server: string;
  caPem?: string;
  insecureSkipTlsVerify?: boolean;
  /** A bearer token, asked for before every request (so a provider can renew it). */
  token?: () => Promise<string>;
  clientCertPem?: string;
  clientKeyPem?: string;
}

export const PatchType = {
  merge: 'application/merge-patch+json',
  strategicMerge: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

interface RawResponse {
  status: number;
  body: string;
  retryAfter?: string | undefined;
}

export class KubeClient {
  readonly server: URL;
  readonly #connection: ClusterConnection;
  readonly #agent: Agent | HttpAgent;
  readonly #retry: RetryPolicy;

  /**
   * `options.env`: where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read from (default process.env);
   * `options.retry`: the retry policy for throttled and failed requests (request-retry.ts).
   */
  constructor(
    connection: ClusterConnection,
    options: { retry?: Partial<RetryPolicy>; env?: Record<string, string | undefined> } = {},
  ) {
    this.server = new URL(connection.server);
    this.#connection = connection;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const proxy = proxyAgentOptions(options.env ?? process.env);
    if (this.server.protocol !== 'https:') {
      this.#agent = new HttpAgent({ keepAlive: true, ...proxy });
    } else {
      const options: ConstructorParameters<typeof Agent>[0] = {
        keepAlive: true,
        rejectUnauthorized: connection.insecureSkipTlsVerify !== true,
        ...proxy,
      };
      if (connection.caPem) options.ca = connection.caPem;
      if (connection.clientCertPem) options.cert = connection.clientCertPem;
      if (connection.clientKeyPem) options.key = connection.clientKeyPem;
      this.#agent = new Agent(options);
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  url(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async #headers(contentType?: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'bakeline-eks-promote' };
    if (contentType) headers['Content-Type'] = contentType;
    if (this.#connection.token) headers.Authorization = `Bearer ${await this.#connection.token()}`;
    return headers;
  }

  #send(method: string, url: URL, headers: Record<string, string>, signal?: AbortSignal) {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return send(url, { method, headers, agent: this.#agent, signal });
  }

  async raw(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = await this.#headers(body === undefined ? undefined : (options.contentType ?? 'application/json'));
    // Node frames a DELETE body neither by length nor by chunks unless told: say its length
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    return new Promise<RawResponse>((resolve, reject) => {
      const req = this.#send(method, url, headers, options.signal);
      req.once('error', reject);
      req.once('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        const retryAfter = res.headers['retry-after'];
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text, retryAfter }));
        res.once('error', reject);
      });
      req.end(body);
    });
  }

  /** `raw`, sent again where request-retry.ts says it is safe; the last answer or error otherwise. */
  async #withRetry(method: string, path: string, options: RequestOptions): Promise<RawResponse> {
    const harmless = changesNothing(method, options.query);
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.raw(method, path, options);
      } catch (error: unknown) {
        const wait = options.signal?.aborted ? undefined : retryDelay(harmless, { error }, attempt, this.#retry);
        if (wait === undefined) throw error;
        await this.#retry.sleep(wait);
        continue;
      }
      const wait = retryDelay(harmless, { status: res.status, retryAfter: res.retryAfter }, attempt, this.#retry);
      if (wait === undefined || options.signal?.aborted) return res;
      await this.#retry.sleep(wait);
    }
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.#withRetry(method, path, options);
    if (res.status < 200 || res.status >= 300) throw apiError(method, path, res.status, res.body);
    return (res.body === '' ? {} : JSON.parse(res.body)) as T;
  }

  /** Plain text (pod logs). */
  async text(path: string, query?: RequestOptions['query']): Promise<string> {
    const res = await this.#withRetry('GET', path, query === undefined ? {} : { query });
    if (res.status < 200 || res.status >= 300) throw apiError('GET', path, res.status, res.body);
    return res.body;
  }

  /**
   * One watch request: yields events until the server ends the stream (timeoutSeconds) or the
   * signal aborts. The caller resumes from the last resourceVersion it saw.
   */
  async *watchOnce<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    signal?: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>> {
    const url = this.url(path, { ...query, watch: 1, allowWatchBookmarks: true });
    const headers = await this.#headers();
    // Abort by destroying the request ourselves (no AbortError event left unhandled on a finished request).
    const req = this.#send('GET', url, headers);
    const onAbort = () => req.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      req.on('error', reject);
      req.once('response', (res) => {
        // errors after the response (an abort while streaming) end the iteration below
        req.off('error', reject);
        req.on('error', () => {});
        res.on('error', () => {});
        resolve(res);
      });
      req.end();
    });
    if ((response.statusCode ?? 0) >= 300) {
      let text = '';
      for await (const chunk of response) text += String(chunk);
      const retryAfter = response.headers['retry-after'];
      throw apiError('GET', `${path}?watch=1`, response.statusCode ?? 0, text, retryAfter);
    }
    response.setEncoding('utf8');
    let pending = '';
    try {
      for await (const chunk of response as AsyncIterable<string>) {
        pending += chunk;
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line !== '') yield JSON.parse(line) as WatchEvent<T>;
          newline = pending.indexOf('\n');
        }
      }
    } catch (error: unknown) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      response.destroy();
    }
  }
}
