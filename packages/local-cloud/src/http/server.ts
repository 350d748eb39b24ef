// A small HTTP server on 127.0.0.1 for the stand-ins: listens (port 0 unless told), catches
// handler errors (500, reported through onError), and closes its keep-alive connections at stop.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export type HttpServerHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface StartedServer {
  /** `http://127.0.0.1:<port>`, or `https://` with `tls` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  /** A port to take when it is free (a restarted local cloud keeps its addresses), else a free one. */
  preferredPort?: number;
  /** Called with a handler's unexpected error (after a 500 was sent). */
  onError?: (error: unknown, req: IncomingMessage) => void;
  /** Serve HTTPS with this certificate (issued by the local cloud's CA). */
  tls?: { certPem: string; keyPem: string };
}

export async function listen(handler: HttpServerHandler, options: ListenOptions = {}): Promise<StartedServer> {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        options.onError?.(error, req);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error\n');
        } else {
          res.destroy();
        }
      });
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, serve)
    : createServer(serve);
  server.keepAliveTimeout = 5_000;
  const bind = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  if (options.port === undefined && options.preferredPort !== undefined) {
    await bind(options.preferredPort).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      return bind(0);
    });
  } else {
    await bind(options.port ?? 0);
  }
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('listen: no address assigned');
  const host = `127.0.0.1:${address.port}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}`,
    host,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export class BodyTooLargeError extends Error {}

/** Reads a request body of at most `limit` bytes (requests to APIs, never blobs). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new BodyTooLargeError(`request body: ${declared} bytes; at most ${limit} accepted`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError(`request body: more than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
