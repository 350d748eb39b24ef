// Probes as the kubelet runs them: httpGet against the pod's published port on 127.0.0.1
// (2xx/3xx = success), tcpSocket (a connection), exec (exit code 0 inside the container).
import { connect } from 'node:net';
import type { Container, Probe } from '../controllers/types.ts';

export interface ProbeResult {
  ok: boolean;
  message: string;
}

export interface ProbeTarget {
  /** host port on 127.0.0.1 for a container port */
  hostPort(containerPort: number): number | undefined;
  exec(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export async function runProbe(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
  fetchFn: typeof fetch = fetch,
): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const containerPort = resolvePort(container, probe.httpGet.port);
    const hostPort = containerPort === undefined ? undefined : target.hostPort(containerPort);
    if (hostPort === undefined) return { ok: false, message: `port ${String(probe.httpGet.port)} is not published` };
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const path = probe.httpGet.path ?? '/';
    const url = `${scheme}://127.0.0.1:${hostPort}${path.startsWith('/') ? path : `/${path}`}`;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of probe.httpGet.httpHeaders ?? []) headers[h.name] = h.value;
    try {
      const res = await fetchFn(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 400) return { ok: true, message: '' };
      return { ok: false, message: `HTTP probe failed with statuscode: ${res.status}` };
    } catch (error: unknown) {
      const cause = (error as { cause?: { code?: string } }).cause;
      const e = error as Error;
      if (e.name === 'TimeoutError') {
        return {
          ok: false,
          message: `Get "http://127.0.0.1:${containerPort}${path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
        };
      }
      // docker-proxy accepts on the host port and, when nothing listens in the container, closes
      // at once (UND_ERR_SOCKET) or resets (ECONNRESET), depending on timing: either way no
      // response came, which is what the kubelet sees as a refused connection to the pod's IP.
      const refused = ['ECONNREFUSED', 'UND_ERR_SOCKET', 'ECONNRESET'].includes(cause?.code ?? '');
      const why = refused ? 'connect: connection refused' : `${e.message}${cause?.code ? ` (${cause.code})` : ''}`;
      return {
        ok: false,
        message: `Get "http://127.0.0.1:${containerPort}${path}": dial tcp 127.0.0.1:${containerPort}: ${why}`,
      };
    }
  }
  if (probe.tcpSocket) {
    const containerPort = resolvePort(container, probe.tcpSocket.port);
    const hostPort = containerPort === undefined ? undefined : target.hostPort(containerPort);
    if (hostPort === undefined) return { ok: false, message: `port ${String(probe.tcpSocket.port)} is not published` };
    return new Promise<ProbeResult>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: hostPort });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ ok: false, message: `dial tcp 127.0.0.1:${containerPort}: i/o timeout` });
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ ok: true, message: '' });
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        resolve({ ok: false, message: `dial tcp 127.0.0.1:${containerPort}: ${e.message}` });
      });
    });
  }
  if (probe.exec?.command && probe.exec.command.length > 0) {
    try {
      const r = await target.exec(probe.exec.command, timeoutMs);
      return r.exitCode === 0
        ? { ok: true, message: '' }
        : { ok: false, message: r.output.trim() || `command exited with ${r.exitCode}` };
    } catch (error: unknown) {
      return { ok: false, message: `command timed out: ${(error as Error).message}` };
    }
  }
  return { ok: false, message: 'probe has no handler' };
}
