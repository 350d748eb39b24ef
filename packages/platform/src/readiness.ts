// Waits until the container is ready: an HTTP path answering 2xx/3xx, a TCP port accepting, or
// the image's HEALTHCHECK reporting healthy; fails at once when the container exits.
import { connect } from 'node:net';
import type { DockerCli } from './docker-cli.ts';
import type { Spec } from './spec-schema.ts';

export class NotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotReadyError';
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function httpReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
    await response.arrayBuffer();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}

export async function waitUntilReady(
  docker: DockerCli,
  container: string,
  hostPort: number,
  readiness: Spec['target']['readiness'],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new NotReadyError('cancelled while waiting for the container to become ready');
    const state = await docker.state(container);
    if (!state.running) throw new NotReadyError(`the container exited with code ${state.exitCode} before it was ready`);
    let ready: boolean;
    if ('http' in readiness) ready = await httpReady(`http://127.0.0.1:${hostPort}${readiness.http}`);
    else if ('tcp' in readiness) ready = await tcpOpen(hostPort);
    else {
      if (state.health === undefined)
        throw new NotReadyError('readiness is the image HEALTHCHECK, but the image has none');
      ready = state.health === 'healthy';
    }
    if (ready) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      const what = 'http' in readiness ? `GET ${readiness.http}` : 'tcp' in readiness ? `TCP port` : 'HEALTHCHECK';
      throw new NotReadyError(`not ready within ${Math.round(timeoutMs / 1000)} s (${what} on 127.0.0.1:${hostPort})`);
    }
    await new Promise((r) => setTimeout(r, Math.min(250 * (attempt + 1), 1000)));
  }
}
