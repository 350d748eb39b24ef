// HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured alike by the three clients bakeline talks
// through: the AWS SDK clients, the Kubernetes client and the registry client (its token
// requests included). Every target is a server on 127.0.0.1 that records the peer port of each
// connection it accepts; a connection came through the proxy when that port is one the proxy
// opened. Nothing leaves 127.0.0.1.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createEcrClient, listOtherRepositories } from '@bakeline/aws';
import { KubeClient } from '@bakeline/kube';
import { createLocalCa } from '@bakeline/local-cloud';
import { RegistryClient } from '@bakeline/oci';
import { afterEach, describe, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from './counting-proxy.ts';

interface Target {
  host: string;
  url: string;
  peerPorts: number[];
  close(): Promise<void>;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function target(handler: Handler, tls?: { certPem: string; keyPem: string }): Promise<Target> {
  const server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler) : createHttpServer(handler);
  const peerPorts: number[] = [];
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => peerPorts.push(socket.remotePort ?? 0));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const t = {
    host: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    peerPorts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  closers.push(t.close);
  return t;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function proxy(): Promise<CountingProxy> {
  const p = await startCountingProxy();
  closers.push(p.close);
  return p;
}

/** The three targets: ECR's API (AWS JSON 1.1), a Kubernetes API over TLS, a registry with a token service. */
async function targets() {
  const ca = await createLocalCa('bakeline proxy test');
  const ecr = await target((req, res) => {
    req.resume();
    req.once('end', () =>
      json(
        res,
        200,
        { repositories: [{ repositoryName: 'svc' }, { repositoryName: 'base' }] },
        {
          'content-type': 'application/x-amz-json-1.1',
        },
      ),
    );
  });
  const kube = await target(
    (_req, res) => json(res, 200, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'dev' } }),
    await ca.issueServer('kube'),
  );
  const tokens = await target((_req, res) => json(res, 200, { token: 'registry-token', expires_in: 300 }));
  const registry = await target((req, res) => {
    if (req.headers.authorization !== 'Bearer registry-token') {
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': `Bearer realm="${tokens.url}/token",service="registry"`,
        },
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'docker-content-digest': `sha256:${'a'.repeat(64)}`,
      'content-length': '0',
    });
    res.end();
  });
  return { ca, ecr, kube, tokens, registry };
}

async function callAll(env: Record<string, string>, t: Awaited<ReturnType<typeof targets>>) {
  const ecr = createEcrClient({
    region: 'eu-west-1',
    endpoint: t.ecr.url,
    credentials: async () => ({ accessKeyId: 'AKIAPROXYTEST0000001', secretAccessKey: 's' }),
    maxAttempts: 1,
    env,
  });
  try {
    // DescribeRepositories (errors would read as "no repositories", so the answer is checked)
    expect(await listOtherRepositories(ecr, { repository: 'svc' })).toEqual(['base']);
  } finally {
    ecr.destroy();
  }
  const kube = new KubeClient({ server: t.kube.url, caPem: t.ca.caPem, token: async () => 'kube-token' }, { env });
  try {
    expect(await kube.request<{ metadata: { name: string } }>('GET', '/api/v1/namespaces/dev')).toMatchObject({
      metadata: { name: 'dev' },
    });
  } finally {
    kube.close();
  }
  const registry = new RegistryClient({ registry: t.registry.host, env, retry: { attempts: 1, baseDelayMs: 1 } });
  expect(await registry.resolveDigest('svc', 'latest')).toBe(`sha256:${'a'.repeat(64)}`);
}

const viaProxy = (t: Target, p: CountingProxy) =>
  t.peerPorts.length > 0 && t.peerPorts.every((port) => p.upstreamPorts.has(port));
const direct = (t: Target, p: CountingProxy) =>
  t.peerPorts.length > 0 && t.peerPorts.every((port) => !p.upstreamPorts.has(port));

describe('the environment proxy', () => {
  it('carries the AWS, Kubernetes and registry clients, and none of them goes around it', async () => {
    const p = await proxy();
    const t = await targets();
    await callAll({ HTTPS_PROXY: p.url, HTTP_PROXY: p.url }, t);
    // http targets: forwarded requests; https: a CONNECT tunnel
    const asked = (host: string) => p.records.filter((r) => r.target === host).map((r) => r.kind);
    expect(asked(t.ecr.host)).toContain('forward');
    expect(asked(t.kube.host)).toEqual(['connect']);
    expect(asked(t.registry.host)).toContain('forward');
    expect(asked(t.tokens.host)).toContain('forward');
    for (const server of [t.ecr, t.kube, t.registry, t.tokens]) expect(viaProxy(server, p)).toBe(true);
  });

  it('takes the lowercase variables too', async () => {
    const p = await proxy();
    const t = await targets();
    await callAll({ https_proxy: p.url, http_proxy: p.url }, t);
    for (const server of [t.ecr, t.kube, t.registry, t.tokens]) expect(viaProxy(server, p)).toBe(true);
  });

  it('goes direct to the hosts NO_PROXY names, and through the proxy to the others', async () => {
    const p = await proxy();
    const t = await targets();
    await callAll({ HTTPS_PROXY: p.url, HTTP_PROXY: p.url, NO_PROXY: `${t.kube.host},${t.ecr.host}` }, t);
    expect(direct(t.kube, p)).toBe(true);
    expect(direct(t.ecr, p)).toBe(true);
    expect(viaProxy(t.registry, p)).toBe(true);
    expect(viaProxy(t.tokens, p)).toBe(true);
    expect(p.records.map((r) => r.target)).not.toContain(t.kube.host);
    expect(p.records.map((r) => r.target)).not.toContain(t.ecr.host);
  });

  it('without proxy variables, every client goes direct', async () => {
    const p = await proxy();
    const t = await targets();
    await callAll({}, t);
    for (const server of [t.ecr, t.kube, t.registry, t.tokens]) expect(direct(server, p)).toBe(true);
    expect(p.records).toEqual([]);
  });
});
