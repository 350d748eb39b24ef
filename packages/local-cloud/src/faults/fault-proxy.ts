// A reverse proxy on 127.0.0.1 that injects faults from a seeded plan (fault-plan.ts) between a
// client and one upstream (the registry, the ECR API, STS, the Kubernetes API):
// - drop-mid-body: on an upload, the connection dies after about half the request body (the
//   upstream never sees the request); otherwise the response dies halfway through its body;
// - reset-before-response: the upstream handles the request, then the connection dies before the
//   client reads a byte of the answer (the "did it happen?" case: a retry must find out);
// - status-500 / 502 / 503: answered by the proxy, the upstream untouched;
// - throttle-429: answered with `Retry-After: 1`;
// - delay: passed through after a pause;
// - truncate: the upstream's answer, its headers intact, cut after half its body.
// Every decision is logged with the request's key, so a suite can count faults by kind and find
// runs of consecutive faults on one operation.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { listen, type StartedServer } from '../http/server.ts';
import { FAULT_KINDS, type FaultKind, FaultPlan, type FaultPlanOptions } from './fault-plan.ts';

export interface FaultEvent {
  key: string;
  occurrence: number;
  method: string;
  url: string;
  fault: FaultKind | undefined;
}

export interface FaultProxy {
  url: string;
  /** Errors of the proxy itself (an upstream that failed without an injected fault), as messages. */
  errors: string[];
  /** `127.0.0.1:<port>` */
  host: string;
  events: FaultEvent[];
  /** Faults injected so far, by kind (delays included). */
  counts(): Record<FaultKind, number>;
  close(): Promise<void>;
}

export interface FaultProxyOptions extends FaultPlanOptions {
  /** `http://127.0.0.1:<port>` of the upstream. */
  upstream: string;
  delayMs?: number;
}

function forward(
  req: IncomingMessage,
  upstream: URL,
  body: Buffer | undefined,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // the Host the client used is kept, so that URLs the upstream builds from it (an upload's
    // Location) lead back through the proxy
    const headers = { ...req.headers };
    let answered = false;
    const out = httpRequest(
      // a connection of its own per request: no idle keep-alive socket the upstream may have closed
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    // an upstream that answers before reading the whole body (a refused upload) may close the
    // connection under the rest: its answer is what the client gets
    out.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body) out.end(body);
    else req.pipe(out);
  });
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
  let read = 0;
  for await (const c of req) {
    read += (c as Buffer).length;
    if (read >= half) break;
  }
  req.socket.destroy();
}

type Answer = Awaited<ReturnType<typeof forward>>;

function replayHeaders(headers: IncomingMessage['headers'], length: number): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { ...headers, 'content-length': String(length) };
  delete h['transfer-encoding'];
  delete h.connection;
  return h;
}

function replay(res: ServerResponse, status: number, headers: IncomingMessage['headers'], body: Buffer): void {
  res.writeHead(status, replayHeaders(headers, body.length));
  res.end(body);
}

/** The answer's headers, then half its body, then the connection dies (no body to cut: it dies at once). */
function sendHalf(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  if (req.method === 'HEAD' || answer.body.length < 2) {
    req.socket.destroy();
    return;
  }
  res.writeHead(answer.status, replayHeaders(answer.headers, answer.body.length));
  res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => res.socket?.destroy());
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const plan = new FaultPlan(options);
  const upstream = new URL(options.upstream);
  if (upstream.hostname !== '127.0.0.1') throw new Error(`fault proxy: upstream ${options.upstream}: only 127.0.0.1`);
  const delayMs = options.delayMs ?? 200;
  const events: FaultEvent[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const decision = plan.decide({ method, url, hasBody: hasBody(req) });
    events.push({ ...decision, method, url });
    switch (decision.fault) {
      case undefined:
      case 'delay': {
        if (decision.fault === 'delay') await new Promise((r) => setTimeout(r, delayMs));
        const answer = await forward(req, upstream, undefined);
        replay(res, answer.status, answer.headers, method === 'HEAD' ? Buffer.alloc(0) : answer.body);
        return;
      }
      case 'drop-mid-body': {
        if (hasBody(req)) {
          await dropMidUpload(req);
          return;
        }
        sendHalf(req, res, await forward(req, upstream, undefined));
        return;
      }
      case 'reset-before-response': {
        await forward(req, upstream, undefined);
        req.socket.destroy();
        return;
      }
      case 'truncate': {
        sendHalf(req, res, await forward(req, upstream, undefined));
        return;
      }
      case 'throttle-429':
        await readAll(req);
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"fault proxy: throttled"}]}');
        return;
      default: {
        await readAll(req);
        const status = Number(decision.fault.slice('status-'.length));
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(`fault proxy: injected ${status}\n`);
      }
    }
  };

  const errors: string[] = [];
  const server: StartedServer = await listen(handle, {
    onError: (error, req) =>
      errors.push(`${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`),
  });
  return {
    url: server.url,
    errors,
    host: server.host,
    events,
    counts: () => {
      const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
      for (const e of events) if (e.fault) counts[e.fault] += 1;
      return counts;
    },
    close: () => server.close(),
  };
}
