// The proxy in front of a Kubernetes-like upstream: HTTPS with the local cloud's own CA, streamed
// answers (a watch reaches the client while it is still open), and each fault kind the
// promote-under-faults suite draws, in the API server's shapes.
import { request } from 'node:https';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, type StartedServer } from '../http/server.ts';
import { createLocalCa, type LocalCa } from '../tls/local-ca.ts';
import type { FaultKind } from './fault-plan.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

const DEPLOYMENT = '/apis/apps/v1/namespaces/dev/deployments/web';
const WATCH = '/apis/apps/v1/namespaces/dev/deployments?watch=1&fieldSelector=metadata.name%3Dweb';

let ca: LocalCa;
let serving: { certPem: string; keyPem: string };
let upstream: StartedServer;
let proxy: FaultProxy;
const seen: { method: string; url: string }[] = [];

beforeAll(async () => {
  ca = await createLocalCa('fault-proxy-test');
  serving = await ca.issueServer('kube-apiserver');
});

/** An API-server-like upstream: a watch sends one event every 100 ms and stays open; other GETs answer an object. */
async function start(kind: FaultKind | undefined, extra: { watchFaultLimit?: number; rate?: number } = {}) {
  seen.length = 0;
  upstream = await listen(
    async (req, res) => {
      for await (const _ of req) {
        // drain the body
      }
      seen.push({ method: req.method ?? '', url: req.url ?? '' });
      if (req.url?.includes('watch=1')) {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        let rv = 1;
        const tick = setInterval(() => {
          res.write(`{"type":"MODIFIED","object":{"metadata":{"name":"web","resourceVersion":"${rv++}"}}}\n`);
        }, 100);
        res.on('close', () => clearInterval(tick));
        return;
      }
      const body = JSON.stringify({ kind: 'Deployment', metadata: { name: 'web', resourceVersion: '7' } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    },
    { tls: serving },
  );
  proxy = await startFaultProxy({
    upstream: upstream.url,
    upstreamCaPem: ca.caPem,
    tls: serving,
    passThrough: 'streaming',
    answers: 'kubernetes',
    seed: 1,
    rate: extra.rate ?? (kind ? 1 : 0),
    ...(kind ? { kinds: [kind], bodyKinds: [kind], watchKinds: [kind] } : {}),
    ...extra,
    delayMs: 10,
    cutWatchAfterMs: 2000,
  });
}

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

interface Received {
  status?: number;
  headers?: Record<string, unknown>;
  body: string;
  /** ms after the request when each chunk came */
  chunksAt: number[];
  error?: string;
}

/** A request through the proxy, trusting the CA; a watch is read for `readMs` at most. */
function send(method: string, path: string, options: { body?: string; readMs?: number } = {}): Promise<Received> {
  const started = Date.now();
  return new Promise((resolve) => {
    const got: Received = { body: '', chunksAt: [] };
    const req = request(`${proxy.url}${path}`, { method, ca: ca.caPem, agent: false }, (res) => {
      got.status = res.statusCode ?? 0;
      got.headers = res.headers;
      const timer = options.readMs === undefined ? undefined : setTimeout(() => res.destroy(), options.readMs);
      res.on('data', (c: Buffer) => {
        got.body += c.toString();
        got.chunksAt.push(Date.now() - started);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(got);
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        resolve({ ...got, error: e.message });
      });
      res.on('close', () => {
        clearTimeout(timer);
        resolve(got);
      });
    });
    req.on('error', (e) => resolve({ ...got, error: e.message }));
    if (options.body) {
      req.setHeader('content-type', 'application/apply-patch+yaml');
      req.setHeader('content-length', Buffer.byteLength(options.body));
      req.end(options.body);
    } else req.end();
  });
}

const events = (body: string) => body.split('\n').filter((l) => l.trim() !== '');

describe('fault proxy in front of the Kubernetes API', () => {
  it('serves HTTPS with a certificate of the upstream CA and streams a watch as it comes (no fault)', async () => {
    await start(undefined);
    const watch = await send('GET', WATCH, { readMs: 550 });
    expect(watch.status).toBe(200);
    // the events arrived while the stream was open: several, the first well before the client gave up
    expect(events(watch.body).length).toBeGreaterThanOrEqual(3);
    expect(watch.chunksAt[0]).toBeLessThan(400);
    const get = await send('GET', DEPLOYMENT);
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body)).toMatchObject({ kind: 'Deployment' });
    expect(proxy.errors).toEqual([]);
  });

  it('refuses an https upstream without a CA to check it with', async () => {
    await start(undefined);
    await expect(startFaultProxy({ upstream: upstream.url, seed: 1, rate: 0 })).rejects.toThrow('upstreamCaPem');
  });

  it('cut-watch: the watch is closed after its first event, in the middle of the stream', async () => {
    await start('cut-watch');
    const watch = await send('GET', WATCH, { readMs: 3000 });
    expect(watch.status).toBe(200);
    expect(events(watch.body)).toHaveLength(1);
    expect(JSON.parse(events(watch.body)[0] ?? '')).toMatchObject({ type: 'MODIFIED' });
    // closed by the proxy long before the client would have given up
    expect(watch.chunksAt.at(-1)).toBeLessThan(2000);
    expect(proxy.counts()['cut-watch']).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('status-409: a Conflict Status naming the object, the upstream untouched', async () => {
    await start('status-409');
    const patch = await send('PATCH', `${DEPLOYMENT}?fieldManager=bakeline`, { body: '{"kind":"Deployment"}' });
    expect(patch.status).toBe(409);
    expect(JSON.parse(patch.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 409,
    });
    expect(seen).toEqual([]);
  });

  it('throttle-429: plain text with Retry-After, as the API server throttles', async () => {
    await start('throttle-429');
    const get = await send('GET', DEPLOYMENT);
    expect(get.status).toBe(429);
    expect(get.headers?.['retry-after']).toBe('1');
    expect(get.body).toBe('Too many requests, please try again later.\n');
    expect(seen).toEqual([]);
  });

  it.each([
    ['status-500', 500, 'InternalError'],
    ['status-503', 503, 'ServiceUnavailable'],
  ] as const)('%s: a Status with reason %s', async (kind, status, reason) => {
    await start(kind);
    const get = await send('GET', DEPLOYMENT);
    expect(get.status).toBe(status);
    expect(JSON.parse(get.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason, code: status });
    expect(seen).toEqual([]);
  });

  it('status-502: the HTML of a load balancer in front of the API server', async () => {
    await start('status-502');
    const get = await send('GET', WATCH, { readMs: 1000 });
    expect(get.status).toBe(502);
    expect(get.headers?.['content-type']).toBe('text/html');
    expect(get.body).toContain('502 Bad Gateway');
    expect(seen).toEqual([]);
  });

  it('reset-before-response: the upstream handles the write, the client gets no answer', async () => {
    await start('reset-before-response');
    const patch = await send('PATCH', DEPLOYMENT, { body: '{"kind":"Deployment"}' });
    expect(patch.status).toBeUndefined();
    expect(patch.error).toBeDefined();
    expect(seen).toEqual([{ method: 'PATCH', url: DEPLOYMENT }]);
  });

  it('truncate: the streamed answer dies after half its length', async () => {
    await start('truncate');
    const get = await send('GET', DEPLOYMENT);
    expect(get.error ?? 'complete').not.toBe('complete');
    expect(get.body.length).toBeLessThan(JSON.stringify({ kind: 'Deployment' }).length + 40);
    expect(() => JSON.parse(get.body)).toThrow();
  });

  it('watchFaultLimit: a watch key is faulted on its first occurrences only', async () => {
    await start('cut-watch', { watchFaultLimit: 1 });
    const first = await send('GET', WATCH, { readMs: 3000 });
    const second = await send('GET', WATCH, { readMs: 450 });
    expect(events(first.body)).toHaveLength(1);
    expect(events(second.body).length).toBeGreaterThanOrEqual(2);
    expect(proxy.events.map((e) => [e.key, e.occurrence, e.fault])).toEqual([
      ['GET /apis/apps/v1/namespaces/dev/deployments watch', 1, 'cut-watch'],
      ['GET /apis/apps/v1/namespaces/dev/deployments watch', 2, undefined],
    ]);
  });

  it('decides the same faults for one seed on every run (replan starts the count afresh)', async () => {
    await start('status-503', { rate: 0.5 });
    const run = async (seed: number) => {
      proxy.replan(seed);
      const from = proxy.events.length;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await send('GET', `${DEPLOYMENT}-${i % 3}`)).status ?? 0);
      return { faults: proxy.events.slice(from).map((e) => e.fault), statuses };
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(new Set(first.statuses)).toEqual(new Set([200, 503]));
    expect((await run(43)).faults).not.toEqual(first.faults);
  });
});
