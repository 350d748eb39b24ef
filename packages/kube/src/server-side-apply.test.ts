// What serverSideApply sends and checks, against a small HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { KubeClient } from './client.ts';
import { type ApplyObject, omitAutoscaledReplicas, serverSideApply } from './server-side-apply.ts';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  body: unknown;
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(answer: (seen: Seen, res: ServerResponse) => void): Promise<{ client: KubeClient; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const entry: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType: req.headers['content-type'] ?? '',
        body: text === '' ? undefined : JSON.parse(text),
      };
      seen.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return { client, seen };
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const deployment = (replicas?: number): ApplyObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'dev' },
  spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: { containers: [{ name: 'app' }] } } },
});

describe('serverSideApply', () => {
  test('PATCHes the object as apply-patch+yaml with the field manager, force and dryRun=All', async () => {
    const { client, seen } = await serve((s, res) => json(res, 200, s.body));
    const answered = await serverSideApply(client, deployment(2), {
      fieldManager: 'bakeline',
      force: true,
      dryRun: true,
    });
    expect(seen).toEqual([
      {
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/dev/deployments/web',
        query: { fieldManager: 'bakeline', force: 'true', dryRun: 'All' },
        contentType: 'application/apply-patch+yaml',
        body: deployment(2),
      },
    ]);
    expect(answered).toEqual(deployment(2));
  });

  test('without dryRun there is no dryRun parameter; the namespace option fills a missing namespace', async () => {
    const { client, seen } = await serve((s, res) => json(res, 201, s.body));
    const object: ApplyObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { a: '1' },
    };
    await serverSideApply(client, object, { fieldManager: 'bakeline', force: false, namespace: 'dev' });
    expect(seen[0]?.path).toBe('/api/v1/namespaces/dev/configmaps/settings');
    expect(seen[0]?.query).toEqual({ fieldManager: 'bakeline', force: 'false' });
    expect((seen[0]?.body as ApplyObject | undefined)?.metadata.namespace).toBe('dev');
  });

  test('a conflict is a KubeApiError 409 carrying the server message', async () => {
    const message = 'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas';
    const { client } = await serve((_s, res) =>
      json(res, 409, { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message }),
    );
    await expect(
      serverSideApply(client, deployment(3), { fieldManager: 'bakeline', force: false }),
    ).rejects.toMatchObject({
      name: 'KubeApiError',
      status: 409,
      reason: 'Conflict',
      message: expect.stringContaining(message),
    });
  });

  test.each([
    [
      { fieldManager: '', force: false },
      deployment(),
      'server-side apply: "fieldManager" is ""; expected 1 to 128 printable characters',
    ],
    [{ fieldManager: 'x'.repeat(129), force: false }, deployment(), 'expected 1 to 128 printable characters'],
    [{ fieldManager: 'bake\nline', force: false }, deployment(), '"fieldManager" is "bake\\nline"'],
    [
      { fieldManager: 'bakeline', force: false },
      { ...deployment(), apiVersion: 'apps/v1beta1' },
      'server-side apply: apps/v1beta1/Deployment "web" is not a supported kind; supported: apps/v1/Deployment',
    ],
    [
      { fieldManager: 'bakeline', force: false },
      { ...deployment(), metadata: { name: 'web', namespace: 'dev', managedFields: [] } },
      'carries metadata.managedFields',
    ],
    [
      { fieldManager: 'bakeline', force: false, namespace: 'prod' },
      deployment(),
      'apps/v1/Deployment "web" is in namespace "dev", but the apply was asked for namespace "prod"',
    ],
    [
      { fieldManager: 'bakeline', force: false },
      { ...deployment(), metadata: { name: 'web' } },
      'apps/v1/Deployment "web" needs metadata.namespace',
    ],
  ])('refuses %j before any request', async (options, object, message) => {
    const { client, seen } = await serve((_s, res) => json(res, 200, {}));
    await expect(serverSideApply(client, object, options)).rejects.toThrow(message);
    expect(seen).toEqual([]);
  });
});

describe('omitAutoscaledReplicas', () => {
  const hpa = (name: string, ref: Record<string, string>) => ({ metadata: { name }, spec: { scaleTargetRef: ref } });

  test('drops spec.replicas when an autoscaler of the namespace targets the workload', async () => {
    const { client, seen } = await serve((_s, res) =>
      json(res, 200, {
        items: [
          hpa('other', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }),
          hpa('web-hpa', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }),
        ],
      }),
    );
    const original = deployment(3);
    const { object, autoscaler } = await omitAutoscaledReplicas(client, original);
    expect(autoscaler).toBe('web-hpa');
    expect(object.spec).toEqual({ template: { spec: { containers: [{ name: 'app' }] } } });
    expect((original.spec as { replicas: number }).replicas).toBe(3);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /apis/autoscaling/v2/namespaces/dev/horizontalpodautoscalers',
    ]);
  });

  test('keeps replicas when no autoscaler targets it (another kind, name or group)', async () => {
    const { client } = await serve((_s, res) =>
      json(res, 200, {
        items: [
          hpa('a', { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }),
          hpa('b', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web2' }),
          hpa('c', { apiVersion: 'example.com/v1', kind: 'Deployment', name: 'web' }),
        ],
      }),
    );
    const { object, autoscaler } = await omitAutoscaledReplicas(client, deployment(3));
    expect(autoscaler).toBeUndefined();
    expect((object.spec as { replicas: number }).replicas).toBe(3);
  });

  test('asks nothing for an object without replicas; a cluster without autoscaling/v2 has no autoscaler', async () => {
    const { client, seen } = await serve((_s, res) =>
      json(res, 404, { kind: 'Status', code: 404, message: 'not found' }),
    );
    expect((await omitAutoscaledReplicas(client, deployment())).autoscaler).toBeUndefined();
    expect(seen).toEqual([]);
    expect((await omitAutoscaledReplicas(client, deployment(2))).autoscaler).toBeUndefined();
  });

  test('a refused lookup is an error naming the workload, never a silent "no autoscaler"', async () => {
    const { client } = await serve((_s, res) =>
      json(res, 403, {
        kind: 'Status',
        code: 403,
        reason: 'Forbidden',
        message: 'horizontalpodautoscalers.autoscaling is forbidden',
      }),
    );
    await expect(omitAutoscaledReplicas(client, deployment(2))).rejects.toThrow(
      'looking for a HorizontalPodAutoscaler of apps/v1/Deployment "web" in namespace "dev": GET /apis/autoscaling/v2/namespaces/dev/horizontalpodautoscalers: 403 horizontalpodautoscalers.autoscaling is forbidden',
    );
  });
});
