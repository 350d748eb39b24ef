// Streams a request to the Distribution registry and its answer back (bodies are piped, never
// buffered), rewriting Location headers so clients stay on the front.
import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[]>;
}

export interface ProxyOptions {
  /** `http://127.0.0.1:<port>` of Distribution. */
  upstream: string;
  /** `127.0.0.1:<port>` of the front (Host sent upstream, and Location rewritten to it). */
  frontHost: string;
  /** Path and query to request upstream (default: the client's). */
  path?: string;
  /** Changes the answer's status and headers before they are sent. */
  rewrite?: (answer: UpstreamAnswer) => UpstreamAnswer;
}

export function rewriteLocation(location: string, upstream: string, frontHost: string): string {
  if (location.startsWith(upstream)) return `http://${frontHost}${location.slice(upstream.length)}`;
  return location;
}

function forwardHeaders(headers: IncomingHttpHeaders, frontHost: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'host') continue;
    out[name] = value;
  }
  out.host = frontHost;
  return out;
}

/** Proxies `req` upstream and resolves with the status sent to the client. */
export function proxy(req: IncomingMessage, res: ServerResponse, options: ProxyOptions): Promise<number> {
  const target = new URL(options.upstream);
  return new Promise((resolve) => {
    const upstreamReq = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: options.path ?? req.url,
        headers: forwardHeaders(req.headers, options.frontHost),
      },
      (upstreamRes) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          headers[name] = value;
        }
        if (typeof headers.location === 'string') {
          headers.location = rewriteLocation(headers.location, options.upstream, options.frontHost);
        }
        let answer: UpstreamAnswer = { status: upstreamRes.statusCode ?? 502, headers };
        if (options.rewrite) answer = options.rewrite(answer);
        res.writeHead(answer.status, answer.headers);
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
        res.on('close', () => {
          upstreamRes.destroy();
          resolve(answer.status);
        });
      },
    );
    upstreamReq.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('registry front: the registry behind it did not answer\n');
      } else {
        res.destroy();
      }
      resolve(502);
    });
    req.on('aborted', () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  });
}
