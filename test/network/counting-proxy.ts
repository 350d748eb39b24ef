// Test support: a small HTTP proxy on 127.0.0.1, as corporate proxies and squid behave for
// clients: CONNECT host:port opens a tunnel (answered `200 Connection Established`), and an
// absolute-form request (`GET http://host:port/path`) is forwarded. It records what it was asked
// and the local port of every connection it opened to a target, so a target can tell whether a
// connection came through the proxy (its peer port is one of those) or directly.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

export interface ProxyRecord {
  kind: 'connect' | 'forward';
  /** host:port asked for */
  target: string;
}

export interface CountingProxy {
  url: string;
  records: ProxyRecord[];
  /** Local ports of the proxy's connections to targets. */
  upstreamPorts: Set<number>;
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const records: ProxyRecord[] = [];
  const upstreamPorts = new Set<number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = URL.canParse(req.url ?? '') ? new URL(req.url ?? '') : undefined;
    if (url?.protocol !== 'http:') {
      res.writeHead(400).end('absolute-form http:// URL expected');
      return;
    }
    records.push({ kind: 'forward', target: url.host });
    const { 'proxy-connection': _p, ...headers } = req.headers;
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('socket', (socket) => socket.once('connect', () => upstreamPorts.add(socket.localPort ?? 0)));
    upstream.once('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    records.push({ kind: 'connect', target });
    const [host = '', port = '443'] = target.split(/:(?=\d+$)/);
    const upstream = connect({ host, port: Number(port) }, () => {
      upstreamPorts.add(upstream.localPort ?? 0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    upstreamPorts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
