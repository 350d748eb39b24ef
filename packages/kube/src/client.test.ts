// The client, the 409 retry and watch resumption against a small local HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@bakeline/toolkit';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { setImageByDigest } from './set-image.ts';
import type { Deployment } from './types.ts';
import { watchResumable } from './watch.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: { close(): void }[] = [];

async function serve(handler: Handler): Promise<KubeClient> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  return new KubeClient({
    server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: async () => 't0k3n',
  });
}

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const D = `sha256:${'d'.repeat(64)}`;
const deploymentAt = (rv: string): Deployment => ({
  metadata: { name: 'svc', namespace: 'dev', resourceVersion: rv },
  spec: {
    selector: { matchLabels: { app: 'svc' } },
    template: { spec: { containers: [{ name: 'app', image: 'r/svc:old' }] } },
  },
});

describe('KubeClient', () => {
  it('sends the bearer token and turns a Status into a KubeApiError with a hint', async () => {
    const client = await serve((req, res) => {
      expect(req.headers.authorization).toBe('Bearer t0k3n');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          message: 'deployments.apps "svc" is forbidden',
          code: 403,
        }),
      );
    });
    const error = await client.request('GET', '/apis/apps/v1/namespaces/dev/deployments/svc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).reason).toBe('Forbidden');
    expect((error as KubeApiError).message).toContain('is forbidden');
    expect((error as KubeApiError).message).toContain('EKS access entry and RBAC');
  });

  it('sends a DELETE body (DeleteOptions) framed by its length, so the server reads it', async () => {
    let received: { length: string | undefined; body: string } | undefined;
    const client = await serve((req, res, body) => {
      received = { length: req.headers['content-length'], body };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","status":"Success"}');
    });
    const options = { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'u-1' } };
    await client.request('DELETE', '/api/v1/namespaces/dev/configmaps/x', { body: options });
    expect(received).toEqual({ length: String(JSON.stringify(options).length), body: JSON.stringify(options) });
  });

  it('applies the image as bakeline-image, and retries a 409 with a fresh read and the resourceVersion it read', async () => {
    let version = 1;
    const patches: { rv: string; contentType: string | undefined; query: string }[] = [];
    const client = await serve((req, res, body) => {
      if (req.method === 'GET') {
        res.end(JSON.stringify(deploymentAt(String(version))));
        return;
      }
      const patch = JSON.parse(body) as { metadata: { resourceVersion: string } };
      patches.push({
        rv: patch.metadata.resourceVersion,
        contentType: req.headers['content-type'],
        query: new URL(req.url ?? '/', 'http://x').search,
      });
      if (patches.length === 1) {
        version = 2; // someone else wrote in between
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ kind: 'Status', reason: 'Conflict', code: 409, message: 'the object has been modified' }),
        );
        return;
      }
      res.end(JSON.stringify(deploymentAt('3')));
    });
    const result = await setImageByDigest({
      client,
      namespace: 'dev',
      name: 'svc',
      image: `r/svc@${D}`,
      digest: D,
      changeCause: 'test',
      sleep: async () => {},
    });
    expect(result.changed).toBe(true);
    expect(patches).toEqual([
      { rv: '1', contentType: 'application/apply-patch+yaml', query: '?fieldManager=bakeline-image&force=true' },
      { rv: '2', contentType: 'application/apply-patch+yaml', query: '?fieldManager=bakeline-image&force=true' },
    ]);
  });

  it('resumes a dropped watch from the last resourceVersion it saw', async () => {
    const watchRequests: (string | null)[] = [];
    const client = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      watchRequests.push(url.searchParams.get('resourceVersion'));
      res.writeHead(200, { 'content-type': 'application/json' });
      if (watchRequests.length === 1) {
        res.write(`${JSON.stringify({ type: 'ADDED', object: deploymentAt('7') })}\n`);
        setTimeout(() => res.socket?.destroy(), 50); // the connection drops mid-stream
        return;
      }
      res.end(`${JSON.stringify({ type: 'MODIFIED', object: deploymentAt('8') })}\n`);
    });
    const controller = new AbortController();
    const seen: string[] = [];
    await watchResumable<Deployment>(
      {
        client,
        path: '/apis/apps/v1/namespaces/dev/deployments',
        signal: controller.signal,
        logger: silentLogger,
        sleep: async () => {},
      },
      (event) => {
        seen.push(`${event.type}@${event.object.metadata.resourceVersion}`);
        if (seen.length === 2) controller.abort();
      },
    );
    expect(seen).toEqual(['ADDED@7', 'MODIFIED@8']);
    expect(watchRequests).toEqual([null, '7']);
  });
});
