// Serves a directory of Maven distributions on 127.0.0.1 the way Apache's archive serves files:
// GET and HEAD of existing regular files (application/x-gzip for .tar.gz, text/plain otherwise),
// 404 for anything else, 405 for other methods. Every request is recorded, so a test can prove
// that bad input reached no server.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { listen, type StartedServer } from '../http/server.ts';

export interface MavenDistServer {
  /** The base URL (`maven-mirror`). */
  url: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

function contentType(path: string): string {
  return path.endsWith('.tar.gz') ? 'application/x-gzip' : 'text/plain; charset=utf-8';
}

export async function startMavenDistServer(options: { root: string }): Promise<MavenDistServer> {
  const requests: string[] = [];
  const root = normalize(options.root);
  const server: StartedServer = await listen((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(`${req.method} ${path}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return;
    }
    const file = normalize(join(root, path));
    const inside = file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
      return;
    }
    res.writeHead(200, { 'content-type': contentType(file), 'content-length': statSync(file).size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  return { url: server.url, requests, stop: server.close };
}
