// A reverse proxy on 127.0.0.1 in front of a registry, for fault tests: it can answer a request
// itself (an error status), cut the connection, or change a request body or a response (status,
// headers, body) on the way. Bodies are buffered: use it with small images.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** 1-based count of requests with this method so far. */
  nth: number;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ProxyRules {
  /** 'reset' cuts the connection; a number answers with that status (no registry call). */
  intercept?: (request: ProxiedRequest) => 'reset' | number | undefined;
  requestBody?: (request: ProxiedRequest, body: Buffer) => Buffer;
  response?: (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse;
}

export interface RegistryProxy {
  host: string;
  log: string[];
  rules: ProxyRules;
  stop(): Promise<void>;
}

export async function startRegistryProxy(targetPort: number, rules: ProxyRules = {}): Promise<RegistryProxy> {
  const counts = new Map<string, number>();
  const log: string[] = [];
  const proxy: RegistryProxy = { host: '', log, rules, stop: async () => {} };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const nth = (counts.get(method) ?? 0) + 1;
      counts.set(method, nth);
      const info: ProxiedRequest = { method, path: req.url ?? '/', headers: req.headers, nth };
      log.push(`${method} ${info.path}`);
      const decision = proxy.rules.intercept?.(info);
      if (decision === 'reset') {
        req.socket.destroy();
        return;
      }
      if (typeof decision === 'number') {
        res
          .writeHead(decision, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
        return;
      }
      let body: Buffer = Buffer.concat(parts);
      if (proxy.rules.requestBody) body = proxy.rules.requestBody(info, body);
      const headers = { ...req.headers };
      if (headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method, path: info.path, headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (chunk: Buffer) => chunks.push(chunk));
        up.on('end', () => {
          let answer: ProxiedResponse = {
            status: up.statusCode ?? 502,
            headers: { ...up.headers },
            body: Buffer.concat(chunks),
          };
          if (proxy.rules.response) answer = proxy.rules.response(info, answer);
          if (answer.headers['content-length'] !== undefined && method !== 'HEAD') {
            answer.headers['content-length'] = String(answer.body.length);
          }
          delete answer.headers['transfer-encoding'];
          res.writeHead(answer.status, answer.headers);
          res.end(method === 'HEAD' ? undefined : answer.body);
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.host = `127.0.0.1:${port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
