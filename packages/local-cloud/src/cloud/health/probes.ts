// Probes that ask a component from outside whether it serves: an HTTP answer of the kind it
// gives, a TLS handshake, or a command that must succeed. Each resolves to undefined when the
// component answers, or to what went wrong.
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { connect } from 'node:tls';

const TIMEOUT_MS = 3000;

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** Any answer with one of `statuses` (default: any status below 500). */
export async function httpProbe(
  url: string,
  init: { method?: string; statuses?: readonly number[]; body?: string } = {},
): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer();
    const expected = init.statuses ? init.statuses.includes(res.status) : res.status < 500;
    return expected ? undefined : `answered ${res.status}`;
  } catch (error) {
    return describe(error);
  }
}

/** `GET path` over HTTPS, the server's certificate checked against `caPem`. */
export function httpsProbe(url: string, caPem: string, statuses: readonly number[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { ca: caPem, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve(statuses.includes(res.statusCode ?? 0) ? undefined : `answered ${String(res.statusCode)}`),
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', (error) => resolve(describe(error)));
    req.end();
  });
}

/**
 * A TLS handshake (for a server whose CA the CLI does not hold, like the OIDC issuer's): whether
 * it listens and speaks TLS. Nothing is sent over the connection.
 */
export function tlsProbe(url: string): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    // liveness only: no request goes over this connection, so its peer need not be verified
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false, timeout: TIMEOUT_MS });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('no TLS handshake within 3 s');
    });
    socket.once('error', (error) => resolve(describe(error)));
  });
}

/** A command that must exit 0 (e.g. `docker version`). */
export function commandProbe(command: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      resolve(error ? `${command} ${args.join(' ')}: ${stderr.trim().split('\n').pop() || error.message}` : undefined);
    });
  });
}

export function processProbe(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? undefined : `process ${pid} is not running`;
  }
}
