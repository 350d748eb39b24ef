// The HTTP layer of the registry client. Bulk transfers go through node:http(s) with keep-alive
// agents and 1 MiB writes from reused buffers (file-range.ts): several times faster than fetch
// with a streamed body. An injected fetch (tests, custom transports) is adapted to the same
// shape. GET/HEAD follow redirects (a blob GET on ECR goes to S3), dropping Authorization when
// the origin changes. The agents go through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the
// host (proxy-agents.ts), and so do token requests (sendAsFetch).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { proxyAwareAgents } from '@bakeline/toolkit';
import { type FileRange, fileRangeChunks, isFileRange, writeFileRange } from '../file-range.ts';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  /** The body as a Node stream (consume it, or call discard()). */
  body: Readable;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  discard(): Promise<void>;
}

export interface HttpInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | AsyncIterable<Uint8Array> | FileRange;
  /** Aborts the exchange (request, upload and answer). */
  signal?: AbortSignal;
}

export type HttpSend = (url: URL, init: HttpInit) => Promise<HttpResponse>;

const IDLE_TIMEOUT_MS = 5 * 60_000;
const MAX_REDIRECTS = 5;

async function collect(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function wrap(status: number, statusText: string, get: (name: string) => string | null, body: Readable): HttpResponse {
  return {
    status,
    statusText,
    headers: { get },
    body,
    text: async () => (await collect(body)).toString('utf8'),
    bytes: async () => new Uint8Array(await collect(body)),
    discard: async () => {
      body.resume();
      if (!body.readableEnded) await new Promise<void>((resolve) => body.once('close', resolve).once('end', resolve));
    },
  };
}

function fromIncoming(res: IncomingMessage): HttpResponse {
  return wrap(
    res.statusCode ?? 0,
    res.statusMessage ?? '',
    (name) => {
      const value = res.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    res,
  );
}

/** Sends through node:http(s) with keep-alive agents, through the proxy `env` names, if any. */
export function nodeHttpSend(env: Record<string, string | undefined> = process.env): HttpSend {
  const { http, https } = proxyAwareAgents(env, { http: { maxSockets: 32 }, https: { maxSockets: 32 } });
  const agents = { 'http:': http, 'https:': https };
  const once = (url: URL, init: HttpInit) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(new Error(`unsupported URL scheme: ${url.protocol}`));
        return;
      }
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method,
        headers: init.headers,
        agent: agents[secure ? 'https:' : 'http:'],
        ...(init.signal ? { signal: init.signal } : {}),
      });
      let answered = false;
      req.setTimeout(IDLE_TIMEOUT_MS, () => {
        const error = Object.assign(new Error(`no answer for ${IDLE_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' });
        req.destroy(error);
      });
      req.once('error', (error) => {
        if (!answered) reject(error);
      });
      req.once('response', (res) => {
        answered = true;
        resolve(fromIncoming(res));
      });
      const body = init.body;
      if (body === undefined || body instanceof Uint8Array) {
        req.end(body);
        return;
      }
      if (isFileRange(body)) {
        // an early answer (an error) ends the upload
        writeFileRange(body, req, () => req.destroyed || answered).then(
          () => req.end(),
          (error: unknown) => req.destroy(error as Error),
        );
        return;
      }
      (async () => {
        for await (const chunk of body) {
          if (req.destroyed || answered) break; // an early answer (an error) ends the upload
          if (!req.write(chunk)) {
            await new Promise<void>((resume) => {
              const done = () => {
                req.off('drain', done);
                req.off('close', done);
                resume();
              };
              req.once('drain', done).once('close', done);
            });
          }
        }
        req.end();
      })().catch((error: unknown) => req.destroy(error as Error));
    });
  return async (url, init) => {
    let current = url;
    let headers = init.headers;
    for (let hop = 0; ; hop++) {
      const response = await once(current, { ...init, headers });
      const location = response.headers.get('location');
      const redirect = [301, 302, 303, 307, 308].includes(response.status) && location !== null;
      if (!redirect || (init.method !== 'GET' && init.method !== 'HEAD') || hop >= MAX_REDIRECTS) return response;
      await response.discard();
      const next = new URL(location, current);
      if (next.origin !== current.origin) {
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      current = next;
    }
  };
}

/** Adapts a fetch function (tests may inject one) to HttpSend. */
export function fetchSend(fetchFn: typeof fetch): HttpSend {
  return async (url, init) => {
    const request: RequestInit & { duplex?: 'half' } = {
      method: init.method,
      headers: init.headers,
      redirect: 'follow',
    };
    if (init.signal) request.signal = init.signal;
    if (init.body !== undefined) {
      const body = isFileRange(init.body) ? fileRangeChunks(init.body) : init.body;
      request.body = body as NonNullable<RequestInit['body']>;
      if (!(body instanceof Uint8Array)) request.duplex = 'half';
    }
    const response = await fetchFn(url, request);
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    return wrap(response.status, response.statusText, (name) => response.headers.get(name), body);
  };
}

/** A fetch over an HttpSend (token requests go through the same agents and proxy as the rest). */
export function sendAsFetch(send: HttpSend): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const request: HttpInit = { method: init?.method ?? 'GET', headers };
    if (init?.signal) request.signal = init.signal;
    if (typeof init?.body === 'string') request.body = new TextEncoder().encode(init.body);
    else if (init?.body instanceof Uint8Array) request.body = init.body;
    else if (init?.body != null) throw new Error('sendAsFetch: only string and byte bodies are supported');
    const response = await send(url, request);
    const responseHeaders = new Headers();
    for (const name of ['content-type', 'www-authenticate', 'location']) {
      const value = response.headers.get(name);
      if (value !== null) responseHeaders.set(name, value);
    }
    const noBody = response.status === 204 || response.status === 304 || request.method === 'HEAD';
    const body = noBody ? null : await response.bytes();
    if (noBody) await response.discard();
    return new Response(body as ConstructorParameters<typeof Response>[0], {
      status: response.status,
      statusText: response.statusText,
      headers: responseHeaders,
    });
  };
}
