// Waits until the target is ready: an HTTP path answering (2xx/3xx, or the status asked for), a
// TCP port that holds a connection, or the image's HEALTHCHECK reporting healthy; until the
// startup timeout. Fails at once when the container exits. Clock, sleep and fetch are injected.
import { connect } from 'node:net';
import type { ContainerState } from './docker-cli.ts';
import type { Readiness } from './spec-schema.ts';

export class NotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotReadyError';
  }
}

export interface ReadinessProbe {
  /** For the error message: `GET http://127.0.0.1:32768/actuator/health`. */
  describe: string;
  /** True when ready; a string says why not (kept for the timeout message). */
  check(state: ContainerState | undefined): Promise<true | string>;
}

export interface WaitOptions {
  probe: ReadinessProbe;
  /** The container's state; absent when the target is a URL. */
  state?: () => Promise<ContainerState>;
  timeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function httpProbe(url: string, status: number | undefined, fetchFn: typeof fetch = fetch): ReadinessProbe {
  return {
    describe: `GET ${url}${status ? ` answering ${status}` : ''}`,
    async check() {
      try {
        const response = await fetchFn(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
        await response.arrayBuffer();
        const ok = status ? response.status === status : response.status >= 200 && response.status < 400;
        return ok ? true : `answered ${response.status}`;
      } catch (error: unknown) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        return cause ?? (error instanceof Error ? error.message : String(error));
      }
    },
  };
}

/**
 * A published port always accepts (docker-proxy listens on the host side), then closes at once when
 * nothing listens in the container: ready means the connection is still open after `holdMs`, or
 * the server spoke first.
 */
export function tcpProbe(host: string, port: number, holdMs = 300): ReadinessProbe {
  return {
    describe: `TCP ${host}:${port} holding a connection`,
    check: () =>
      new Promise((resolve) => {
        const socket = connect({ host, port });
        let settled = false;
        const settle = (value: true | string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.destroy();
          resolve(value);
        };
        const timer = setTimeout(
          () => settle(socket.readyState === 'open' ? true : 'connect timed out'),
          holdMs + 1000,
        );
        socket.once('connect', () => {
          clearTimeout(timer);
          setTimeout(() => settle(true), holdMs);
        });
        socket.once('data', () => settle(true));
        socket.once('end', () => settle('closed by the other side (nothing listening in the container)'));
        socket.once('close', () => settle('closed'));
        socket.once('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
      }),
  };
}

export function healthcheckProbe(): ReadinessProbe {
  return {
    describe: 'the image HEALTHCHECK reporting healthy',
    async check(state) {
      if (state?.health === undefined)
        throw new NotReadyError('readiness is the image HEALTHCHECK, but the image has none');
      return state.health === 'healthy' ? true : `health is ${state.health}`;
    },
  };
}

/** Resolves with the milliseconds it took; rejects with NotReadyError on exit, timeout or abort. */
export async function waitUntilReady(options: WaitOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const started = now();
  let last = 'not checked';
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new NotReadyError('cancelled while waiting for the target to become ready');
    const state = options.state ? await options.state() : undefined;
    if (state && !state.running) {
      throw new NotReadyError(`the container exited with code ${state.exitCode} before it was ready`);
    }
    const answer = await options.probe.check(state);
    if (answer === true) return now() - started;
    last = answer;
    const elapsed = now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new NotReadyError(
        `not ready within ${formatSeconds(options.timeoutMs)} (${options.probe.describe}; last answer: ${last})`,
      );
    }
    await sleep(Math.min(250 * (attempt + 1), 1000, options.timeoutMs - elapsed), options.signal);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The probe for a spec's readiness, or the default: the image's HEALTHCHECK when it has one, else TCP. */
export function resolveReadiness(readiness: Readiness | undefined, imageHasHealthcheck: boolean): Readiness {
  return readiness ?? (imageHasHealthcheck ? { kind: 'healthcheck' } : { kind: 'tcp' });
}
