// Reads a watch of the stand-in's API (JSON lines) and hands each event to a callback; for
// tests that check what a watcher sees during a rollout.
import { request } from 'node:https';

export interface WatchHandle {
  /** resolves when the stream ends */
  ended: Promise<void>;
  close(): void;
}

export function watchEvents(
  apiUrl: string,
  caPem: string,
  path: string,
  clientCert: { certPem: string; keyPem: string },
  onEvent: (event: { type: string; object: Record<string, unknown> }) => void,
): WatchHandle {
  const url = new URL(path, apiUrl);
  url.searchParams.set('watch', '1');
  let req: ReturnType<typeof request> | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    req = request(url, { method: 'GET', ca: caPem, cert: clientCert.certPem, key: clientCert.keyPem }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
          newline = buffer.indexOf('\n');
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
    });
    req.on('error', (e) => (req?.destroyed ? resolve() : reject(e)));
    req.end();
  });
  return { ended, close: () => req?.destroy() };
}
