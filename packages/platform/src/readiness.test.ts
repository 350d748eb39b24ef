import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerState } from './docker-cli.ts';
import {
  healthcheckProbe,
  NotReadyError,
  type ReadinessProbe,
  resolveReadiness,
  tcpProbe,
  waitUntilReady,
} from './readiness.ts';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

const probe = (answers: (true | string)[]): ReadinessProbe => ({
  describe: 'GET http://127.0.0.1:1/health',
  check: async () => answers.shift() ?? 'connection refused',
});
const running: ContainerState = { running: true, exitCode: 0, health: undefined };

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});
async function listen(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as import('node:net').AddressInfo).port;
}

describe('waitUntilReady', () => {
  it('polls with growing pauses until the probe answers', async () => {
    const c = clock();
    const ms = await waitUntilReady({
      probe: probe(['refused', 'refused', 'answered 503', true]),
      state: async () => running,
      timeoutMs: 60_000,
      ...c,
    });
    expect(c.sleeps).toEqual([250, 500, 750]);
    expect(ms).toBe(1500);
  });

  it('fails at the timeout with the last answer', async () => {
    const c = clock();
    await expect(waitUntilReady({ probe: probe([]), timeoutMs: 3000, ...c })).rejects.toThrow(
      'not ready within 3 s (GET http://127.0.0.1:1/health; last answer: connection refused)',
    );
    expect(c.now()).toBe(3000);
  });

  it('fails at once when the container exits', async () => {
    const c = clock();
    await expect(
      waitUntilReady({
        probe: probe([]),
        state: async () => ({ running: false, exitCode: 2, health: undefined }),
        timeoutMs: 60_000,
        ...c,
      }),
    ).rejects.toThrow('the container exited with code 2 before it was ready');
    expect(c.sleeps).toEqual([]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      waitUntilReady({ probe: probe([]), timeoutMs: 60_000, signal: controller.signal, ...clock() }),
    ).rejects.toThrow(NotReadyError);
  });

  it('waits for the image HEALTHCHECK, and refuses an image without one', async () => {
    const states: ContainerState[] = [
      { running: true, exitCode: 0, health: 'starting' },
      { running: true, exitCode: 0, health: 'healthy' },
    ];
    await expect(
      waitUntilReady({
        probe: healthcheckProbe(),
        state: async () => states.shift() ?? running,
        timeoutMs: 10_000,
        ...clock(),
      }),
    ).resolves.toBe(250);
    await expect(
      waitUntilReady({ probe: healthcheckProbe(), state: async () => running, timeoutMs: 10_000, ...clock() }),
    ).rejects.toThrow('readiness is the image HEALTHCHECK, but the image has none');
  });
});

describe('tcpProbe', () => {
  it('is ready when the connection stays open', async () => {
    const port = await listen(() => {});
    expect(await tcpProbe('127.0.0.1', port, 100).check(undefined)).toBe(true);
  });

  it('is not ready when the other side closes at once (docker-proxy with nothing behind it)', async () => {
    const port = await listen((socket) => socket.end());
    expect(await tcpProbe('127.0.0.1', port, 300).check(undefined)).toMatch(/closed/);
  });

  it('is ready when the server speaks first', async () => {
    const port = await listen((socket) => socket.end('220 hello\r\n'));
    expect(await tcpProbe('127.0.0.1', port, 300).check(undefined)).toBe(true);
  });
});

describe('resolveReadiness', () => {
  it.each([
    [undefined, true, { kind: 'healthcheck' }],
    [undefined, false, { kind: 'tcp' }],
    [{ kind: 'http', path: '/h' } as const, true, { kind: 'http', path: '/h' }],
  ])('%j with HEALTHCHECK %s -> %j', (given, has, expected) => {
    expect(resolveReadiness(given, has)).toEqual(expected);
  });
});
