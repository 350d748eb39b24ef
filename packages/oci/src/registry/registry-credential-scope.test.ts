// Where the registry client sends credentials: only to the registry's own origin (scheme, host,
// port), never to an upload Location on another host, never to a plain-http token realm on
// another machine; and a token realm that never answers fails within the configured time.
// Real sockets on 127.0.0.1: a registry stand-in and a second server that records what it got.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import type { LoadedImage } from '../layout/layout-read.ts';
import { readLayoutImage } from '../layout/layout-read.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { MediaType } from '../media-types.ts';
import { pushImage } from './push-image.ts';
import { RegistryClient } from './registry-client.ts';

const BASIC = `Basic ${Buffer.from('robot:s3cret').toString('base64')}`;
const work = mkdtempSync(join(tmpdir(), 'oci-credential-scope-'));
const servers: Server[] = [];
let image: LoadedImage;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const writer = await LayoutWriter.create(join(work, 'layout'));
  const layer = await writer.writeBlob(Buffer.from('layer bytes'), MediaType.OciLayer);
  const config = await writer.writeJson(
    { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest('layer bytes')] } },
    MediaType.OciConfig,
  );
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config,
    layers: [layer],
  });
  image = await readLayoutImage(join(work, 'layout'), { digest: manifest.digest });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  rmSync(work, { recursive: true, force: true });
});

/**
 * A registry that wants `scheme` auth on every request and sends uploads to `uploadHost`; the
 * upload host records the headers of each request and answers with `uploadAnswer`.
 */
async function registryWithForeignUploads(scheme: 'basic' | 'bearer', uploadAnswer: 201 | 401) {
  const uploads: IncomingHttpHeaders[] = [];
  const tokenRequests: IncomingHttpHeaders[] = [];
  const uploadHost = await listen((req, res) => {
    uploads.push(req.headers);
    req.resume().on('end', () => {
      if (req.url?.startsWith('/token')) {
        tokenRequests.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"stolen"}');
        return;
      }
      if (uploadAnswer === 401) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${uploadHost}/token",service="evil"` }).end();
        return;
      }
      const digest = new URL(req.url ?? '/', 'http://x').searchParams.get('digest') ?? '';
      res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/team/app/blobs/${digest}` }).end();
    });
  });
  let registryHost = '';
  registryHost = await listen((req, res) => {
    req.resume().on('end', () => {
      if (req.url?.startsWith('/token')) {
        if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"good","expires_in":300}');
        return;
      }
      const wanted = scheme === 'basic' ? BASIC : 'Bearer good';
      if (req.headers.authorization !== wanted) {
        const challenge =
          scheme === 'basic' ? 'Basic realm="registry"' : `Bearer realm="http://${registryHost}/token",service="reg"`;
        return void res.writeHead(401, { 'www-authenticate': challenge }).end();
      }
      const url = req.url ?? '/';
      if (req.method === 'HEAD') return void res.writeHead(404).end();
      if (req.method === 'POST' && url.startsWith('/v2/team/app/blobs/uploads/')) {
        return void res.writeHead(202, { location: `http://${uploadHost}/upload/${Math.random()}` }).end();
      }
      if (req.method === 'PUT' && url.startsWith('/v2/team/app/manifests/')) {
        return void res.writeHead(201, { 'docker-content-digest': image.digest }).end();
      }
      res.writeHead(404).end();
    });
  });
  return { registryHost, uploadHost, uploads, tokenRequests };
}

describe('credentials stay with the registry that was authenticated', () => {
  it.each(['basic', 'bearer'] as const)(
    '%s: an upload Location on another host (other port) gets no Authorization; the push lands',
    async (scheme) => {
      const { registryHost, uploads } = await registryWithForeignUploads(scheme, 201);
      const client = new RegistryClient({
        registry: registryHost,
        credentials: { username: 'robot', password: 's3cret' },
      });
      const result = await pushImage(client, image, { repository: 'team/app' });
      expect(result.uploadedBlobs).toHaveLength(2);
      expect(uploads).toHaveLength(2);
      for (const headers of uploads) expect(headers.authorization).toBeUndefined();
    },
  );

  it("does not learn a foreign upload host's 401 challenge, nor send it credentials or tokens", async () => {
    const { registryHost, uploads, tokenRequests } = await registryWithForeignUploads('bearer', 401);
    const client = new RegistryClient({
      registry: registryHost,
      credentials: { username: 'robot', password: 's3cret' },
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    await expect(pushImage(client, image, { repository: 'team/app' })).rejects.toThrow(/upload: 401/);
    expect(tokenRequests).toEqual([]);
    for (const headers of uploads) expect(headers.authorization).toBeUndefined();
  });
});

describe('token realm', () => {
  it('refuses to send Basic credentials to a plain-http realm on another machine, naming it', async () => {
    const asked: string[] = [];
    const fetchFn = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      asked.push(url.href);
      return new Response(null, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="http://auth.example/token",service="reg"' },
      });
    }) as typeof fetch;
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'robot', password: 's3cret' },
    });
    await expect(client.hasBlob('team/app', `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
      "registry reg.example: token realm 'http://auth.example/token' is plain http on another machine; refusing to send the registry credentials there: https is required",
    );
    expect(asked.filter((u) => u.includes('/token'))).toEqual([]);
  });

  it('a realm that never answers fails within the configured time, naming the realm', async () => {
    const silent = await listen(() => {
      /* never answers */
    });
    const registry = await listen((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${silent}/token",service="reg"` }).end();
      });
    });
    const client = new RegistryClient({
      registry,
      credentials: { username: 'robot', password: 's3cret' },
      tokenTimeoutMs: 400,
    });
    const started = Date.now();
    await expect(client.hasBlob('team/app', `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
      `registry ${registry}: token request to http://${silent}/token got no complete answer within 0.4 s`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  }, 15_000);
});
