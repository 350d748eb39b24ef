// The promotion's steps against a small scripted API server on 127.0.0.1 (ConfigMaps and
// Deployments in memory, as the API answers them): the order of calls, and what a failure after
// the first write leaves behind and says.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@bakeline/toolkit';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.ts';
import { DryRunRefusedError } from './dry-run.ts';
import { KubeApiError } from './errors.ts';
import { PromotionFailedError, prepareDocuments, promote } from './promote.ts';
import { ManifestRefusedError } from './validate-documents.ts';

const IMAGE = `127.0.0.1:5000/team/svc@sha256:${'a'.repeat(64)}`;
type Obj = {
  metadata: { name: string; namespace?: string; resourceVersion?: string | undefined; uid?: string };
  [k: string]: unknown;
};

interface Scripted {
  client: KubeClient;
  calls: string[];
  objects: Map<string, Obj>;
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function status(res: ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
}

/**
 * ConfigMaps in namespace dev; no Deployment exists. `refuse(method, path, dryRun)` answers 403
 * for the writes it names (an admission check that runs only on real writes, say).
 */
async function scripted(
  initial: Record<string, Record<string, string>>,
  refuse: (method: string, path: string, dryRun: boolean) => boolean,
  /** requests the server carries out, then drops the connection before answering */
  loseAnswer: (method: string, path: string, dryRun: boolean) => boolean = () => false,
): Promise<Scripted> {
  const objects = new Map<string, Obj>();
  let rv = 100;
  const base = '/api/v1/namespaces/dev/configmaps';
  for (const [name, data] of Object.entries(initial))
    objects.set(`${base}/${name}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'dev', uid: `uid-${name}`, resourceVersion: String(rv++) },
      data,
    });
  const calls: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const dryRun = url.searchParams.get('dryRun') === 'All';
    const method = req.method ?? '';
    calls.push(`${method} ${url.pathname}${dryRun ? ' dryRun' : ''}`);
    const ok = (code: number, body: unknown) => {
      if (loseAnswer(method, url.pathname, dryRun)) {
        req.socket.destroy();
        return;
      }
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/apis/apps/v1/namespaces/dev/deployments/'))
      return status(res, 404, 'NotFound', 'deployments.apps "svc" not found');
    if (refuse(method, url.pathname, dryRun))
      return status(res, 403, 'Forbidden', `configmaps is forbidden: refused by admission (${method})`);
    const body = text ? (JSON.parse(text) as Obj) : undefined;
    const path = method === 'POST' ? `${url.pathname}/${body?.metadata.name}` : url.pathname;
    const current = objects.get(path);
    if (method === 'GET') return current ? ok(200, current) : status(res, 404, 'NotFound', 'not found');
    const apply = method === 'PATCH' && req.headers['content-type'] === 'application/apply-patch+yaml';
    if (apply && url.searchParams.get('fieldManager') !== 'bakeline')
      return status(res, 400, 'BadRequest', 'expected fieldManager bakeline');
    if (method === 'POST' || (apply && !current)) {
      if (current) return status(res, 409, 'AlreadyExists', 'already exists');
      const created = {
        ...body,
        metadata: { ...body?.metadata, uid: `uid-new-${body?.metadata.name}`, resourceVersion: String(rv++) },
      } as Obj;
      if (!dryRun) objects.set(path, created);
      return ok(201, created);
    }
    if (!current) return status(res, 404, 'NotFound', 'not found');
    if (method === 'PATCH' || method === 'PUT') {
      if (method === 'PUT' && body?.metadata.resourceVersion !== current.metadata.resourceVersion)
        return status(res, 409, 'Conflict', 'the object has been modified');
      // an apply of a ConfigMap's whole intent: its data is the applied data
      const next = (method === 'PATCH' ? { ...current, ...body, metadata: { ...current.metadata } } : body) as Obj;
      const same = JSON.stringify({ ...next, metadata: {} }) === JSON.stringify({ ...current, metadata: {} });
      next.metadata = { ...current.metadata, resourceVersion: same ? current.metadata.resourceVersion : String(rv++) };
      if (!dryRun) objects.set(path, next);
      return ok(200, next);
    }
    if (method === 'DELETE') {
      objects.delete(path);
      return ok(200, { kind: 'Status', status: 'Success' });
    }
    status(res, 405, 'MethodNotAllowed', 'no');
  };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => handle(req, res, text));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  closers.push(() => client.close());
  return { client, calls, objects };
}

function manifests(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakeline-promote-test-'));
  writeFileSync(join(dir, 'config.yaml'), text);
  return join(dir, 'config.yaml');
}

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { GREETING: bonjour }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: extra }
data: { NEW: value }
`;

const run = (cluster: Scripted, file: string, rollbackOnFailure = true) =>
  promote({
    client: cluster.client,
    namespace: 'dev',
    workloads: { names: ['svc'] },
    image: IMAGE,
    manifests: [file],
    timeoutMs: 5000,
    rollbackOnFailure,
    changeCause: 'test',
    logger: silentLogger,
  }).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('promote: checks before the first write', () => {
  it('refuses a document in another namespace before any call', async () => {
    const cluster = await scripted({ settings: { GREETING: 'hello' } }, () => false);
    const error = await run(
      cluster,
      manifests(`${CONFIG}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: prod }\n`),
    );
    expect(error).toBeInstanceOf(ManifestRefusedError);
    expect(cluster.calls).toEqual([]);
  });

  it('dry-runs every document before the first real write, and stops at a refusal saying nothing changed', async () => {
    const cluster = await scripted(
      { settings: { GREETING: 'hello' } },
      (m, p, dryRun) => dryRun && p.endsWith('/configmaps/settings') && m === 'PATCH',
    );
    const error = await run(cluster, manifests(CONFIG));
    expect(error).toBeInstanceOf(DryRunRefusedError);
    expect(String((error as Error).message)).toMatch(
      /config\.yaml \(document 1, ConfigMap\/settings\): refused by the API server in a dry run \(dryRun=All\), Forbidden; nothing was changed/,
    );
    expect(cluster.calls.filter((c) => !c.startsWith('GET') && !c.endsWith('dryRun'))).toEqual([]);
    expect(cluster.objects.get('/api/v1/namespaces/dev/configmaps/settings')?.data).toEqual({ GREETING: 'hello' });
  });
});

describe('promote: a refusal after the first write', () => {
  /** The dry run passes; after the first real write, the real create of ConfigMap extra is refused. */
  const refuseExtraAfterAWrite = () => {
    let wrote = false;
    return (method: string, path: string, dryRun: boolean) => {
      if (dryRun || method === 'GET') return false;
      if (path.endsWith('/configmaps/extra')) return wrote;
      wrote = true;
      return false;
    };
  };

  it('restores what it changed and never says that nothing was changed', async () => {
    const cluster = await scripted({ settings: { GREETING: 'hello' } }, refuseExtraAfterAWrite());
    const error = await run(cluster, manifests(CONFIG));
    expect(error).toBeInstanceOf(PromotionFailedError);
    const failed = error as PromotionFailedError;
    expect(failed.wrote).toBe(true);
    expect(failed.cause).toBeInstanceOf(KubeApiError);
    expect(`${failed.message}; ${failed.outcome}`).not.toContain('nothing was changed');
    expect(failed.outcome).toBe('restored ConfigMap/settings');
    expect(failed.rolledBack).toBe(true);
    expect(cluster.objects.get('/api/v1/namespaces/dev/configmaps/settings')?.data).toEqual({ GREETING: 'hello' });
    const writes = cluster.calls.filter((c) => !c.startsWith('GET') && !c.endsWith('dryRun'));
    expect(writes).toEqual([
      'PATCH /api/v1/namespaces/dev/configmaps/settings',
      'PATCH /api/v1/namespaces/dev/configmaps/extra',
      'PUT /api/v1/namespaces/dev/configmaps/settings',
    ]);
  });

  it('restores a write whose answer was lost: the server did it, the connection dropped before the answer', async () => {
    const cluster = await scripted(
      { settings: { GREETING: 'hello' } },
      () => false,
      (method, path, dryRun) => method === 'PATCH' && !dryRun && path.endsWith('/configmaps/extra'),
    );
    const failed = (await run(cluster, manifests(CONFIG))) as PromotionFailedError;
    expect(failed).toBeInstanceOf(PromotionFailedError);
    expect(failed.outcome).toBe('restored ConfigMap/settings; deleted ConfigMap/extra, which this promotion created');
    expect(cluster.objects.get('/api/v1/namespaces/dev/configmaps/settings')?.data).toEqual({ GREETING: 'hello' });
    expect(cluster.objects.has('/api/v1/namespaces/dev/configmaps/extra')).toBe(false);
  });

  it('with rollback-on-failure false, says what it left changed', async () => {
    const cluster = await scripted({ settings: { GREETING: 'hello' } }, refuseExtraAfterAWrite());
    const failed = (await run(cluster, manifests(CONFIG), false)) as PromotionFailedError;
    expect(failed.outcome).toBe(
      'the workloads were left as they are (rollback-on-failure is false); changed: ConfigMap/settings',
    );
    expect(cluster.objects.get('/api/v1/namespaces/dev/configmaps/settings')?.data).toEqual({ GREETING: 'bonjour' });
  });
});

describe('promote: the promotion record in applied Deployments', () => {
  const manifest = {
    file: 'k8s/app.yaml',
    index: 1,
    manifest: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'svc' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'svc' }] } } },
    },
  };
  const live = (image: string) => ({
    metadata: { name: 'svc', annotations: { 'kubernetes.io/change-cause': 'run 1' } },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'app', image }] } } },
  });
  const prepare = (before: ReturnType<typeof live>[]) =>
    prepareDocuments(
      [manifest],
      {
        image: IMAGE,
        workloads: { names: ['svc'] },
        changeCause: 'run 2',
      } as Parameters<typeof prepareDocuments>[1],
      `sha256:${'a'.repeat(64)}`,
      before,
    )[0]?.manifest.metadata as unknown as { annotations: Record<string, string> };

  it('records this run on a Deployment it moves to the image', () => {
    expect(prepare([live('127.0.0.1:5000/team/svc@sha256:old')]).annotations['kubernetes.io/change-cause']).toBe(
      'run 2',
    );
    expect(prepare([]).annotations['kubernetes.io/change-cause']).toBe('run 2');
  });

  it('keeps the record of a Deployment that already runs the image, so a re-run applies no change', () => {
    const annotations = prepare([live(IMAGE)]).annotations;
    expect(annotations['kubernetes.io/change-cause']).toBe('run 1');
    expect(annotations['bakeline.io/digest']).toBe(`sha256:${'a'.repeat(64)}`);
  });
});
