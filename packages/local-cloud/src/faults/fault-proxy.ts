// A reverse proxy on 127.0.0.1 that injects faults from a seeded plan (fault-plan.ts) between a
// client and one upstream (the registry, the ECR API, STS, the Kubernetes API):
// - drop-mid-body: on an upload, the connection dies after about half the request body (the
//   upstream never sees the request); otherwise the response dies halfway through its body;
// - reset-before-response: the upstream handles the request, then the connection dies before the
//   client reads a byte of the answer (the "did it happen?" case: a retry must find out);
// - status-500 / 502 / 503, status-409: answered by the proxy, the upstream untouched, in the
//   shape of the service behind it (injected-answers.ts);
// - throttle-429: answered with `Retry-After: 1`;
// - delay: passed through after a pause;
// - truncate: the upstream's answer, its headers intact, cut after half its body;
// - cut-watch: a watch stream passed through, then closed in the middle (after its first event,
//   or after `cutWatchAfterMs` when no event comes), as an API server restart or a load balancer's
//   idle timeout closes it.
// Two ways to pass an answer on: `buffered` (the default) holds it back until it is complete, so
// that a fault can cut it at half its length; `streaming` passes headers and bytes on as they
// come, which a watch (an answer that does not end) needs. With `tls` the proxy serves HTTPS (a
// certificate of the upstream's CA for 127.0.0.1) and reaches an `https://` upstream trusting
// `upstreamCaPem`; a client certificate ends at the proxy, so its clients use bearer tokens.
// Every decision is logged with the request's key, so a suite can count faults by kind and find
// runs of consecutive faults on one operation.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { listen, type StartedServer } from '../http/server.ts';
import { ALL_FAULT_KINDS, type FaultKind, FaultPlan, type FaultPlanOptions } from './fault-plan.ts';
import { type AnswerStyle, injectedAnswer } from './injected-answers.ts';

export interface FaultEvent {
  key: string;
  occurrence: number;
  method: string;
  url: string;
  fault: FaultKind | undefined;
  /** The seed of the plan that decided (see FaultProxy.replan). */
  seed: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, or `https://` with `tls` */
  url: string;
  /** Errors of the proxy itself (an upstream that failed without an injected fault), as messages. */
  errors: string[];
  /** `127.0.0.1:<port>` */
  host: string;
  events: FaultEvent[];
  /** Faults injected so far, by kind (delays included). */
  counts(): Record<FaultKind, number>;
  /**
   * A fresh plan with another seed (the other options kept): occurrences count from 1 again.
   * One proxy then serves several runs, each with its own seed.
   */
  replan(seed: number): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions extends FaultPlanOptions {
  /** `http://127.0.0.1:<port>` of the upstream, or `https://` with `upstreamCaPem`. */
  upstream: string;
  delayMs?: number;
  /** How answers are passed on (default `buffered`; see above). */
  passThrough?: 'buffered' | 'streaming';
  /** The shape of the proxy's own answers (default `registry`). */
  answers?: AnswerStyle;
  /** Serve HTTPS with this certificate. */
  tls?: { certPem: string; keyPem: string };
  /** The CA an `https://` upstream's certificate is checked against. */
  upstreamCaPem?: string;
  /** cut-watch: the longest a cut watch runs when no event comes (default 500 ms). */
  cutWatchAfterMs?: number;
}

interface Upstream {
  url: URL;
  caPem: string | undefined;
}

/** Sends the request on; resolves with the upstream's answer once its headers are in. */
function open(req: IncomingMessage, upstream: Upstream, body: Buffer | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // the Host the client used is kept, so that URLs the upstream builds from it (an upload's
    // Location) lead back through the proxy
    const headers = { ...req.headers };
    let answered = false;
    const options = {
      host: upstream.url.hostname,
      port: upstream.url.port,
      method: req.method,
      path: req.url,
      headers,
      // a connection of its own per request: no idle keep-alive socket the upstream may have closed
      agent: false as const,
    };
    const out =
      upstream.url.protocol === 'https:'
        ? httpsRequest({ ...options, ...(upstream.caPem ? { ca: upstream.caPem } : {}) })
        : httpRequest(options);
    out.on('response', (res) => {
      answered = true;
      resolve(res);
    });
    // an upstream that answers before reading the whole body (a refused upload) may close the
    // connection under the rest: its answer is what the client gets
    out.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body) out.end(body);
    else req.pipe(out);
  });
}

async function forward(
  req: IncomingMessage,
  upstream: Upstream,
  body: Buffer | undefined,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  const res = await open(req, upstream, body);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return { status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function declaredLength(req: IncomingMessage): number {
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) ? length : 0;
}

function hasBody(req: IncomingMessage): boolean {
  return declaredLength(req) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** Reads about half the request body, then kills the connection. */
async function dropMidUpload(req: IncomingMessage): Promise<void> {
  const half = Math.max(1, Math.floor(declaredLength(req) / 2));
  const socket = req.socket; // detached from req once the loop below ends it
  let read = 0;
  for await (const c of req) {
    read += (c as Buffer).length;
    if (read >= half) break;
  }
  socket.destroy();
}

type Answer = Awaited<ReturnType<typeof forward>>;

/** The upstream's headers without the hop-by-hop ones; `length` replaces its Content-Length when given. */
function passHeaders(headers: IncomingMessage['headers'], length?: number): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { ...headers };
  if (length !== undefined) h['content-length'] = String(length);
  delete h['transfer-encoding'];
  delete h.connection;
  delete h['keep-alive'];
  return h;
}

function replay(res: ServerResponse, status: number, headers: IncomingMessage['headers'], body: Buffer): void {
  res.writeHead(status, passHeaders(headers, body.length));
  res.end(body);
}

/** The answer's headers, then half its body, then the connection dies (no body to cut: it dies at once). */
function sendHalf(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (req.method === 'HEAD' || answer.body.length < 2) {
    (req.socket ?? res.socket)?.destroy();
    return;
  }
  res.writeHead(answer.status, passHeaders(answer.headers, answer.body.length));
  res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => res.socket?.destroy());
}

/** Streams the upstream's answer on as it comes; the client going away ends the upstream's too. */
function pipeAnswer(upstream: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(upstream.statusCode ?? 502, passHeaders(upstream.headers));
  return new Promise((resolve) => {
    res.on('close', () => {
      upstream.destroy();
      resolve();
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.on('aborted', () => res.socket?.destroy());
    upstream.pipe(res);
  });
}

/**
 * Streams the answer on, then kills the connection: after `bytes` bytes, after the first line
 * (`untilLine`, a watch's first event), or after `afterMs`, whichever comes first. An answer
 * that ends before is passed on whole, then the connection dies all the same.
 */
function cutStream(
  upstream: IncomingMessage,
  res: ServerResponse,
  limits: { bytes?: number; untilLine?: boolean; afterMs?: number },
): Promise<void> {
  res.writeHead(upstream.statusCode ?? 502, passHeaders(upstream.headers));
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const cut = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      upstream.destroy();
      res.socket?.destroy();
      resolve();
    };
    const timer = limits.afterMs === undefined ? undefined : setTimeout(cut, limits.afterMs);
    res.on('close', cut);
    upstream.on('error', cut);
    upstream.on('end', cut);
    upstream.on('data', (chunk: Buffer) => {
      if (done) return;
      let part = chunk;
      if (limits.bytes !== undefined) part = part.subarray(0, Math.max(0, limits.bytes - sent));
      if (limits.untilLine) {
        const newline = part.indexOf(0x0a);
        if (newline >= 0) part = part.subarray(0, newline + 1);
      }
      sent += part.length;
      const last = part.length < chunk.length || (limits.untilLine === true && part.includes(0x0a));
      if (part.length === 0) return cut();
      res.write(part, () => {
        if (last) cut();
      });
    });
  });
}

function answerItself(res: ServerResponse, kind: FaultKind, url: string, style: AnswerStyle): void {
  const answer = injectedAnswer(kind, url, style);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let plan = new FaultPlan(options);
  const upstreamUrl = new URL(options.upstream);
  if (upstreamUrl.hostname !== '127.0.0.1')
    throw new Error(`fault proxy: upstream ${options.upstream}: only 127.0.0.1`);
  if (upstreamUrl.protocol === 'https:' && !options.upstreamCaPem)
    throw new Error(`fault proxy: upstream ${options.upstream}: an https upstream needs upstreamCaPem`);
  const upstream: Upstream = { url: upstreamUrl, caPem: options.upstreamCaPem };
  const delayMs = options.delayMs ?? 200;
  const style = options.answers ?? 'registry';
  const streaming = options.passThrough === 'streaming';
  const cutWatchAfterMs = options.cutWatchAfterMs ?? 500;
  const events: FaultEvent[] = [];

  const buffered = async (req: IncomingMessage, res: ServerResponse, fault: FaultKind | undefined): Promise<void> => {
    const method = req.method ?? 'GET';
    switch (fault) {
      case undefined:
      case 'delay':
      case 'cut-watch': {
        // a watch held back until complete would never reach the client: buffered has no watches
        const answer = await forward(req, upstream, undefined);
        replay(res, answer.status, answer.headers, method === 'HEAD' ? Buffer.alloc(0) : answer.body);
        return;
      }
      case 'drop-mid-body':
      case 'truncate':
        sendHalf(req, res, await forward(req, upstream, undefined));
        return;
      case 'reset-before-response':
        await forward(req, upstream, undefined);
        (req.socket ?? res.socket)?.destroy();
        return;
    }
  };

  const streamed = async (req: IncomingMessage, res: ServerResponse, fault: FaultKind | undefined): Promise<void> => {
    const answer = await open(req, upstream, undefined);
    switch (fault) {
      case undefined:
      case 'delay':
        return pipeAnswer(answer, res);
      case 'drop-mid-body':
      case 'truncate': {
        const length = Number(answer.headers['content-length']);
        // no length to halve (a chunked answer): it dies after its first bytes
        return cutStream(answer, res, { bytes: Number.isFinite(length) ? Math.floor(length / 2) : 1 });
      }
      case 'cut-watch':
        if (answer.statusCode !== 200) return pipeAnswer(answer, res);
        return cutStream(answer, res, { untilLine: true, afterMs: cutWatchAfterMs });
      case 'reset-before-response':
        answer.destroy();
        (req.socket ?? res.socket)?.destroy();
        return;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const decision = plan.decide({ method, url, hasBody: hasBody(req) });
    events.push({ ...decision, method, url, seed: plan.seed });
    const fault = decision.fault;
    if (fault === 'drop-mid-body' && hasBody(req)) return dropMidUpload(req);
    if (fault === 'throttle-429' || fault === 'status-409' || fault?.startsWith('status-')) {
      await readAll(req);
      answerItself(res, fault, url, style);
      return;
    }
    if (fault === 'delay') await new Promise((r) => setTimeout(r, delayMs));
    return streaming ? streamed(req, res, fault) : buffered(req, res, fault);
  };

  const errors: string[] = [];
  const server: StartedServer = await listen(handle, {
    onError: (error, req) =>
      errors.push(`${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return {
    url: server.url,
    errors,
    host: server.host,
    events,
    counts: () => {
      const counts = Object.fromEntries(ALL_FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
      for (const e of events) if (e.fault) counts[e.fault] += 1;
      return counts;
    },
    replan: (seed) => {
      plan = new FaultPlan({ ...options, seed });
    },
    close: () => server.close(),
  };
}
