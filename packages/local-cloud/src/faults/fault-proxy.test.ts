// The proxy's faults against a small upstream on 127.0.0.1: each kind does what it says, and the
// upstream sees the request only where the kind says it does.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type StartedServer } from '../http/server.ts';
import type { FaultKind } from './fault-plan.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

let upstream: StartedServer;
let proxy: FaultProxy;
const seen: { method: string; url: string; host: string; bytes: number }[] = [];
// the PUT that closes an upload session names its blob (a request that names none is never faulted)
const DIGEST = `sha256:${'a'.repeat(64)}`;

async function start(kind: FaultKind | undefined) {
  seen.length = 0;
  upstream = await listen(async (req, res) => {
    let bytes = 0;
    for await (const c of req) bytes += (c as Buffer).length;
    seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', bytes });
    res.writeHead(201, {
      location: `http://${req.headers.host}/v2/x/blobs/uploads/next`,
      'content-type': 'text/plain',
    });
    res.end('a body of some length');
  });
  proxy = await startFaultProxy({
    upstream: upstream.url,
    seed: 1,
    rate: kind ? 1 : 0,
    ...(kind ? { kinds: [kind], bodyKinds: [kind] } : {}),
    delayMs: 10,
  });
}

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

/** A request through the proxy: its status and body, or the error the client saw. */
function send(
  method: string,
  body?: Buffer,
): Promise<{ status?: number; body?: string; headers?: Record<string, unknown>; error?: string }> {
  return new Promise((resolve) => {
    const req = request(`${proxy.url}/v2/x/blobs/uploads/abc?digest=${DIGEST}`, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
      );
      res.on('error', (e) => resolve({ error: e.message }));
      res.on('aborted', () => resolve({ error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    if (body) {
      req.setHeader('content-length', body.length);
      req.end(body);
    } else req.end();
  });
}

describe('fault proxy', () => {
  it('passes a request through with the Host the client used, so a Location leads back to it', async () => {
    await start(undefined);
    const answer = await send('PUT', Buffer.alloc(1000));
    expect(answer.status).toBe(201);
    expect(answer.headers?.location).toBe(`http://${proxy.host}/v2/x/blobs/uploads/next`);
    expect(seen).toEqual([
      { method: 'PUT', url: `/v2/x/blobs/uploads/abc?digest=${DIGEST}`, host: proxy.host, bytes: 1000 },
    ]);
    expect(proxy.errors).toEqual([]);
  });

  it('drop-mid-body: the upload dies after about half its body; the upstream never sees it', async () => {
    await start('drop-mid-body');
    const answer = await send('PUT', Buffer.alloc(4 * 1024 * 1024));
    expect(answer.error).toBeDefined();
    expect(seen).toEqual([]);
    expect(proxy.counts()['drop-mid-body']).toBe(1);
    expect(proxy.errors).toEqual([]);
  });

  it('reset-before-response: the upstream handles it, the client gets no answer', async () => {
    await start('reset-before-response');
    const answer = await send('PUT', Buffer.alloc(100));
    expect(answer.error).toBeDefined();
    expect(seen).toHaveLength(1);
    expect(proxy.errors).toEqual([]);
  });

  it.each([
    ['status-503', 503],
    ['status-500', 500],
    ['throttle-429', 429],
  ] as const)('%s: answered by the proxy, the upstream untouched', async (kind, status) => {
    await start(kind);
    const answer = await send('PUT', Buffer.alloc(100));
    expect(answer.status).toBe(status);
    if (kind === 'throttle-429') expect(answer.headers?.['retry-after']).toBe('1');
    expect(seen).toEqual([]);
  });

  it('truncate: the answer is cut after half its body', async () => {
    await start('truncate');
    const answer = await send('GET');
    expect(answer.error ?? (answer.body?.length ?? 0) < 'a body of some length'.length).toBeTruthy();
    expect(seen).toHaveLength(1);
    expect(proxy.errors).toEqual([]);
  });

  it('refuses an upstream that is not on 127.0.0.1', async () => {
    await expect(startFaultProxy({ upstream: 'http://10.0.0.1:5000', seed: 1, rate: 0 })).rejects.toThrow(
      'only 127.0.0.1',
    );
    await start(undefined); // for afterEach
  });
});
