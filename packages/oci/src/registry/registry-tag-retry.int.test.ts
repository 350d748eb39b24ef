// A tag PUT whose answer is lost, against the local cloud's ECR front (IMMUTABLE repository, real
// Distribution registry behind it) through a proxy on 127.0.0.1 that forwards the first tag PUT,
// lets the registry store it, then drops the connection instead of answering. The retry meets
// TAG_INVALID (ECR refuses any PUT of an existing immutable tag); the client reads the tag back
// and accepts it when it names the pushed digest, and fails naming both digests when another
// push took the tag in between.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { type LoadedImage, readLayoutImage } from '../layout/layout-read.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { MediaType } from '../media-types.ts';
import { pushImage } from './push-image.ts';
import { RegistryClient } from './registry-client.ts';
import type { RegistryCredentials } from './registry-types.ts';

const work = mkdtempSync(join(tmpdir(), 'oci-tag-retry-'));
let cloud: LocalCloud;
let credentials: RegistryCredentials;
const servers: Server[] = [];

async function tinyImage(name: string, content: string): Promise<LoadedImage> {
  const dir = join(work, name);
  const writer = await LayoutWriter.create(dir);
  const layer = await writer.writeBlob(Buffer.from(content), MediaType.OciLayer);
  const config = await writer.writeJson(
    { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(content)] } },
    MediaType.OciConfig,
  );
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config,
    layers: [layer],
  });
  return readLayoutImage(dir, { digest: manifest.digest });
}

interface Proxy {
  host: string;
  /** Tag PUTs seen (the first one's answer was dropped). */
  tagPuts: number;
}

/**
 * Forwards everything to the front. The first PUT of `/manifests/<tag>`: `beforeForward` runs,
 * the PUT is forwarded, and once the front has answered the client's connection is destroyed.
 */
async function droppingProxy(tag: string, beforeForward: () => Promise<void> = async () => {}): Promise<Proxy> {
  const upstream = new URL(cloud.endpoints.registry.url);
  const state: Proxy = { host: '', tagPuts: 0 };
  const server = createServer((req, res) => {
    const isTagPut = req.method === 'PUT' && (req.url ?? '').endsWith(`/manifests/${tag}`);
    const drop = isTagPut && ++state.tagPuts === 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (drop) await beforeForward();
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (drop) {
              req.socket.destroy(); // stored upstream, answer lost
              return;
            }
            const headers = { ...answer.headers };
            if (typeof headers.location === 'string') {
              headers.location = headers.location.replace(`http://${upstream.host}`, `http://${state.host}`);
            }
            res.writeHead(answer.statusCode ?? 502, headers).end(Buffer.concat(body));
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

beforeAll(async () => {
  cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  // repositories of its own: the account's IAM user (Terraform's push role may push only to the example's)
  credentials = { username: 'AWS', password: cloud.admin.registryPassword(cloud.endpoints.credentials.accessKeyId) };
}, 120_000);

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await cloud?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('tag PUT on an IMMUTABLE repository whose answer is lost', () => {
  it('the retry meets TAG_INVALID, reads the tag back, finds this digest and succeeds', async () => {
    cloud.admin.ecr.createRepository({ name: 'retry/same', imageTagMutability: 'IMMUTABLE' });
    const image = await tinyImage('same', 'layer of the same image');
    const proxy = await droppingProxy('v1');
    const client = new RegistryClient({
      registry: proxy.host,
      credentials,
      retry: { attempts: 3, baseDelayMs: 50 },
    });
    const result = await pushImage(client, image, { repository: 'retry/same', tags: ['v1'] });
    expect(proxy.tagPuts).toBe(2);
    expect(result.tags).toEqual([{ tag: 'v1', status: 'created' }]);
    expect(Object.fromEntries(cloud.admin.ecr.getRepository('retry/same')?.tags ?? [])).toEqual({ v1: image.digest });
  });

  it('when another push took the tag meanwhile, fails saying the tag names the other digest', async () => {
    cloud.admin.ecr.createRepository({ name: 'retry/other', imageTagMutability: 'IMMUTABLE' });
    const mine = await tinyImage('mine', 'my layer');
    const theirs = await tinyImage('theirs', 'their layer');
    const direct = new RegistryClient({ registry: cloud.endpoints.registry.host, credentials });
    const proxy = await droppingProxy('v1', async () => {
      await pushImage(direct, theirs, { repository: 'retry/other', tags: ['v1'] });
    });
    const client = new RegistryClient({ registry: proxy.host, credentials, retry: { attempts: 3, baseDelayMs: 50 } });
    await expect(pushImage(client, mine, { repository: 'retry/other', tags: ['v1'] })).rejects.toThrow(
      `tag 'v1' of ${proxy.host}/retry/other already points to ${theirs.digest}, not ${mine.digest}`,
    );
    expect(Object.fromEntries(cloud.admin.ecr.getRepository('retry/other')?.tags ?? [])).toEqual({ v1: theirs.digest });
  });
});
