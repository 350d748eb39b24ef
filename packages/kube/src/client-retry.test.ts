// Which requests the client sends again after a fault, against a local HTTP server on 127.0.0.1
// that answers with the faults of a busy or restarting API server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@bakeline/toolkit';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { setImageByDigest } from './set-image.ts';
import { watchResumable } from './watch.ts';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
const servers: { close(): void }[] = [];

const reset: Answer = (req) => req.socket.destroy();
const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: `injected ${code}`, code }));
  };
const ok: Answer = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ metadata: { name: 'svc', resourceVersion: '7' } }));
};
/** headers and half the body, then the connection dies */
const truncated: Answer = (_req, res) => {
  const body = JSON.stringify({ metadata: { name: 'svc', resourceVersion: '7' } });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.write(body.slice(0, 10), () => res.socket?.destroy());
};

/** Answers the n-th request with answers[n] (the last one again after that); counts requests by method. */
async function serve(answers: Answer[]): Promise<{ client: KubeClient; seen: string[]; waits: number[] }> {
  const seen: string[] = [];
  const waits: number[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.method ?? '');
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)] as Answer;
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  const client = new KubeClient(
    { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    {
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    },
  );
  return { client, seen, waits };
}

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const PATH = '/apis/apps/v1/namespaces/dev/deployments/svc';

describe('KubeClient retries', () => {
  it('reads again after 5xx answers, a reset connection and an answer cut short', async () => {
    const { client, seen, waits } = await serve([status(503), reset, status(500), truncated, ok]);
    const got = await client.request<{ metadata: { resourceVersion: string } }>('GET', PATH);
    expect(got.metadata.resourceVersion).toBe('7');
    expect(seen).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
    expect(waits).toEqual([250, 500, 1000, 2000]);
  });

  it('sends any verb again after a 429, waiting what Retry-After says', async () => {
    const { client, seen, waits } = await serve([status(429, { 'retry-after': '2' }), ok]);
    await client.request('PATCH', PATH, { body: { spec: {} }, contentType: 'application/merge-patch+json' });
    expect(seen).toEqual(['PATCH', 'PATCH']);
    expect(waits).toEqual([2000]);
  });

  it('caps a long Retry-After', async () => {
    const { client, waits } = await serve([status(429, { 'retry-after': '3600' }), ok]);
    await client.request('GET', PATH);
    expect(waits).toEqual([10_000]);
  });

  it('never sends a write again after a 5xx or a dropped connection: it may have happened', async () => {
    const five = await serve([status(500), ok]);
    const error = await five.client.request('PATCH', PATH, { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(500);
    expect(five.seen).toEqual(['PATCH']);

    const dropped = await serve([reset, ok]);
    await expect(dropped.client.request('PATCH', PATH, { body: {} })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(dropped.seen).toEqual(['PATCH']);
  });

  it('sends a dry run (dryRun=All) again after a 5xx or a dropped connection: it stores nothing', async () => {
    const { client, seen } = await serve([status(500), reset, status(503), ok]);
    await client.request('PATCH', PATH, {
      body: {},
      contentType: 'application/apply-patch+yaml',
      query: { dryRun: 'All', fieldManager: 'bakeline' },
    });
    expect(seen).toEqual(['PATCH', 'PATCH', 'PATCH', 'PATCH']);
  });

  it('never sends a 409 again by itself: only the caller knows whether to re-read', async () => {
    const { client, seen } = await serve([status(409), ok]);
    await expect(client.request('PATCH', PATH, { body: {} })).rejects.toMatchObject({ status: 409 });
    expect(seen).toEqual(['PATCH']);
  });

  it('gives up after the attempts of its policy, with the last answer', async () => {
    const { client, seen } = await serve([status(503)]);
    await expect(client.request('GET', PATH)).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(5);
  });

  it('waits what a throttled watch is told before it opens it again', async () => {
    const { client, waits } = await serve([
      status(429, { 'retry-after': '3' }),
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'svc', resourceVersion: '9' } } })}\n`);
      },
    ]);
    const controller = new AbortController();
    const events: string[] = [];
    await watchResumable(
      {
        client,
        path: PATH,
        signal: controller.signal,
        logger: silentLogger,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
      (e) => {
        events.push(e.type);
        controller.abort();
      },
    );
    expect(events).toEqual(['ADDED']);
    expect(waits).toEqual([3000]);
  });

  it('re-reads and patches again on a resourceVersion conflict only, not on another 409', async () => {
    const D = `sha256:${'d'.repeat(64)}`;
    const deployment = JSON.stringify({
      metadata: { name: 'svc', namespace: 'dev', resourceVersion: '1' },
      spec: {
        selector: { matchLabels: { app: 'svc' } },
        template: { spec: { containers: [{ name: 'app', image: 'r/svc:old' }] } },
      },
    });
    const read: Answer = (_req, res) => res.end(deployment);
    const conflictWith =
      (reason: string): Answer =>
      (_req, res) => {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason, code: 409, message: `injected ${reason}` }));
      };
    const set = (client: KubeClient) =>
      setImageByDigest({
        client,
        namespace: 'dev',
        name: 'svc',
        image: `r/svc@${D}`,
        digest: D,
        changeCause: 'test',
        sleep: async () => {},
      });
    const stale = await serve([read, conflictWith('Conflict'), read, read]);
    expect((await set(stale.client)).changed).toBe(true);
    expect(stale.seen).toEqual(['GET', 'PATCH', 'GET', 'PATCH']);

    const other = await serve([read, conflictWith('AlreadyExists'), read, read]);
    await expect(set(other.client)).rejects.toMatchObject({ status: 409, reason: 'AlreadyExists' });
    expect(other.seen).toEqual(['GET', 'PATCH']);
  });
});
