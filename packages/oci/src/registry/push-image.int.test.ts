// Integration: pushImage (and the RegistryClient under it) against the real Distribution
// registry (and skopeo), directly and through a fault-injecting proxy; Basic and Bearer auth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Distribution, startDistribution } from '@bakeline/local-cloud';
import { execChecked, type Logger } from '@bakeline/toolkit';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryProxy } from '../../test/registry-proxy.ts';
import { testImages } from '../../test/test-images.ts';
import { startTokenIssuer } from '../../test/token-issuer.ts';
import type { Digest } from '../digest.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import { verifyLayout } from '../layout/layout-read.ts';
import { parseReference } from '../reference.ts';
import { pullImage } from './pull-image.ts';
import { pushImage } from './push-image.ts';
import { RegistryClient } from './registry-client.ts';
import { RegistryError, TagConflictError } from './registry-errors.ts';

const work = mkdtempSync(join(tmpdir(), 'oci-registry-client-'));
const { makeImage, bigImage, manyLayerImage } = testImages(work);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => {},
    group: (_n, fn) => fn(),
  };
}

async function registry(options: Parameters<typeof startDistribution>[0] = {}): Promise<Distribution> {
  const r = await startDistribution(options);
  cleanups.push(() => r.stop());
  return r;
}

/** The registry's log once it stops growing (it writes access lines after answering); at most 3 s. */
async function settledLog(reg: Distribution): Promise<string> {
  let log = reg.readLog();
  for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 150));
    const now = reg.readLog();
    if (now.length === log.length) return now;
    log = now;
  }
  return log;
}

/** A registry whose Bearer tokens come from a token issuer that knows `robot` / `pw-token`. */
async function tokenRegistry() {
  const issuer = await startTokenIssuer({ robot: 'pw-token' });
  cleanups.push(() => issuer.stop());
  const reg = await registry({
    auth: {
      token: {
        realm: issuer.realm,
        service: issuer.service,
        issuer: issuer.issuer,
        rootCertBundle: issuer.rootCertBundle,
      },
    },
  });
  return { issuer, reg };
}

function requestsIn(log: string, pattern: RegExp): string[] {
  return log.split('\n').filter((line) => pattern.test(line));
}

describe('RegistryClient against the Distribution registry', () => {
  let reg: Distribution;
  beforeAll(async () => {
    reg = await registry();
  });

  it('pushes an image that skopeo reads, and a second push uploads no blob', async () => {
    const image = await makeImage('base-1', 'app 1');
    const logger = recordingLogger();
    const client = new RegistryClient({ registry: reg.host, logger });
    const first = await pushImage(client, image, { repository: 'team/app', tags: ['v1', 'sha-1'] });
    expect(first.uploadedBlobs).toHaveLength(3);
    expect(first.pushedBytes).toBe(image.manifest.config.size + image.manifest.layers.reduce((s, l) => s + l.size, 0));
    expect(first.tags).toEqual([
      { tag: 'v1', status: 'created' },
      { tag: 'sha-1', status: 'created' },
    ]);
    expect(logger.lines.some((l) => /push 127\.0\.0\.1:\d+\/team\/app: .* \(100%\), .*\/s/.test(l))).toBe(true);

    const inspect = JSON.parse(
      (await execChecked('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:v1`])).stdout,
    ) as { Digest: string };
    expect(inspect.Digest).toBe(image.digest);

    const second = await pushImage(client, image, { repository: 'team/app', tags: ['v1'] });
    expect(second.uploadedBlobs).toEqual([]);
    expect(second.skippedBlobs).toHaveLength(3);
    expect(second.tags).toEqual([{ tag: 'v1', status: 'unchanged' }]);
  });

  it('mounts the blobs another repository has instead of uploading them', async () => {
    const image = await makeImage('base-2', 'app 2');
    const client = new RegistryClient({ registry: reg.host });
    await pushImage(client, image, { repository: 'source/app' });
    const before = reg.readLog().length;
    const result = await pushImage(client, image, { repository: 'other/app', mountFrom: ['source/app'] });
    expect(result.mountedBlobs.sort()).toEqual(
      [image.configDigest, ...image.manifest.layers.map((l) => l.digest)].sort(),
    );
    expect(result.uploadedBlobs).toEqual([]);
    const log = (await settledLog(reg)).slice(before);
    expect(
      requestsIn(
        log,
        /"POST \/v2\/other\/app\/blobs\/uploads\/\?mount=sha256%3A[0-9a-f]{64}&from=source%2Fapp HTTP\/1\.1" 201/,
      ),
    ).toHaveLength(3);
    expect(requestsIn(log, /"(PATCH|PUT) \/v2\/other\/app\/blobs\//)).toEqual([]);
  });

  it('uploads a blob over 50 MB monolithic by default: one POST, one streamed PUT, no PATCH', async () => {
    const image = await bigImage(52 * 1024 * 1024 + 54321);
    const logger = recordingLogger();
    const client = new RegistryClient({ registry: reg.host, logger });
    const before = reg.readLog().length;
    const result = await pushImage(client, image, { repository: 'big/monolithic' });
    expect(result.uploadedBlobs).toHaveLength(2);
    const log = (await settledLog(reg)).slice(before);
    expect(requestsIn(log, /"PATCH /)).toEqual([]);
    expect(requestsIn(log, /"POST \/v2\/big\/monolithic\/blobs\/uploads\/ HTTP\/1\.1" 202/)).toHaveLength(2);
    expect(
      requestsIn(log, /"PUT \/v2\/big\/monolithic\/blobs\/uploads\/[^"]*digest=sha256%3A[0-9a-f]{64} HTTP\/1\.1" 201/),
    ).toHaveLength(2);
    expect(logger.lines.some((l) => /blob sha256:.*\(52\.1 MiB\): uploaded in .*, one request\)/.test(l))).toBe(true);
    expect(await client.resolveDigest('big/monolithic', image.digest)).toBe(image.digest);
  });

  it('uploads a blob over 50 MB in chunks, and pulls it back verified', async () => {
    const image = await bigImage(52 * 1024 * 1024 + 12345);
    const client = new RegistryClient({ registry: reg.host, chunkSize: 8 * 1024 * 1024 });
    const before = reg.readLog().length;
    const result = await pushImage(client, image, { repository: 'big/app', tags: ['v1'] });
    expect(result.uploadedBlobs).toHaveLength(2);
    const log = (await settledLog(reg)).slice(before);
    expect(requestsIn(log, /"PATCH \/v2\/big\/app\/blobs\/uploads\/[^"]*" 202/)).toHaveLength(7);
    const pulled = await pullImage(client, parseReference(`${reg.host}/big/app:v1`), join(work, 'pulled-big'));
    expect(pulled.digest).toBe(image.digest);
    await verifyLayout(join(work, 'pulled-big'), image.digest);
  });

  it('refuses to move a tag that points to another image, before uploading anything', async () => {
    const first = await makeImage('base-3', 'app 3');
    const second = await makeImage('base-3', 'app 3 changed');
    const client = new RegistryClient({ registry: reg.host });
    await pushImage(client, first, { repository: 'team/immutable', tags: ['v1'] });
    const error = await pushImage(client, second, { repository: 'team/immutable', tags: ['v1'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TagConflictError);
    expect(String(error)).toContain(
      `tag 'v1' of ${reg.host}/team/immutable already points to ${first.digest}, not ${second.digest}`,
    );
    expect(await client.hasBlob('team/immutable', second.manifest.layers[1]?.digest as Digest)).toBe(false);
    expect(await client.resolveDigest('team/immutable', 'v1')).toBe(first.digest);
  });

  it.each(['Team/App', 'team/app:tag', ''])('rejects the repository %j before any request', async (repository) => {
    const image = await makeImage('base-5', 'app 5');
    const client = new RegistryClient({ registry: reg.host });
    await expect(pushImage(client, image, { repository })).rejects.toThrow(`repository '${repository}'`);
  });

  it.each(['-bad', 'a:b', 'x'.repeat(129)])('rejects the tag %j before any request', async (tag) => {
    const image = await makeImage('base-5', 'app 5');
    const client = new RegistryClient({ registry: reg.host });
    await expect(pushImage(client, image, { repository: 'ok/app', tags: [tag] })).rejects.toThrow(`tag '${tag}'`);
  });
});

describe('RegistryClient through a faulty proxy', () => {
  let reg: Distribution;
  beforeAll(async () => {
    reg = await registry();
  });
  afterEach(() => {});

  async function proxied(rules: Parameters<typeof startRegistryProxy>[1], options: { chunkSize?: number } = {}) {
    const proxy = await startRegistryProxy(reg.port, rules);
    cleanups.push(() => proxy.stop());
    const logger = recordingLogger();
    const client = new RegistryClient({
      registry: proxy.host,
      logger,
      retry: { attempts: 3, baseDelayMs: 10 },
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    });
    return { proxy, client, logger };
  }

  it('fails a push whose upload bytes were corrupted on the way, saying so', async () => {
    const image = await makeImage('fault-1', 'app');
    const { client, proxy } = await proxied({
      requestBody: (req, body) => {
        if (req.method === 'PUT' && req.path.includes('/blobs/uploads/') && body.length > 1000)
          body[500] = (body[500] ?? 0) ^ 1;
        return body;
      },
    });
    const error = await pushImage(client, image, { repository: 'fault/corrupt' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(String(error)).toMatch(/400.*DIGEST_INVALID.*the registry received other bytes than were sent/);
    // the refused upload session is abandoned explicitly
    expect(proxy.log.some((l) => l.startsWith('DELETE /v2/fault/corrupt/blobs/uploads/'))).toBe(true);
  });

  it('fails a push when the registry answers with another Docker-Content-Digest', async () => {
    const image = await makeImage('fault-2', 'app');
    const liar = `sha256:${'0'.repeat(64)}`;
    const { client } = await proxied({
      response: (req, res) =>
        req.method === 'PUT' && req.path.includes('/manifests/')
          ? { ...res, headers: { ...res.headers, 'docker-content-digest': liar } }
          : res,
    });
    const error = await pushImage(client, image, { repository: 'fault/liar' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(String(error)).toContain(`Docker-Content-Digest: expected ${image.digest}, got ${liar}`);
  });

  it('survives registries whose PATCH answers 201 and a Range that does not advance (as ECR)', async () => {
    const image = await bigImage(3 * 1024 * 1024 + 7);
    const { client, proxy } = await proxied(
      {
        response: (req, res) =>
          req.method === 'PATCH' ? { ...res, status: 201, headers: { ...res.headers, range: '0-0' } } : res,
      },
      { chunkSize: 512 * 1024 },
    );
    const result = await pushImage(client, image, { repository: 'quirk/ecr' });
    expect(result.uploadedBlobs).toContain(image.manifest.layers[0]?.digest);
    expect(proxy.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(7);
    expect(await new RegistryClient({ registry: reg.host }).resolveDigest('quirk/ecr', image.digest)).toBe(
      image.digest,
    );
  });

  it('retries 503 answers and reset connections, restarting a blob upload with a new session', async () => {
    const image = await makeImage('fault-4', 'app');
    const { client, proxy, logger } = await proxied({
      intercept: (req) => {
        if (req.method === 'PUT' && req.path.includes('/blobs/uploads/') && req.nth === 1) return 'reset';
        if (req.method === 'PUT' && req.path.includes('/manifests/') && req.nth <= 5) {
          return proxy.log.filter((l) => l.startsWith('PUT') && l.includes('/manifests/')).length === 1
            ? 503
            : undefined;
        }
        if (req.method === 'HEAD' && req.nth === 1) return 503;
        return undefined;
      },
    });
    const result = await pushImage(client, image, { repository: 'fault/retry', tags: ['v1'] });
    expect(result.digest).toBe(image.digest);
    expect(logger.lines.filter((l) => l.startsWith('warning:') && /retrying/.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(proxy.log.filter((l) => l.startsWith('POST') && l.includes('/blobs/uploads/')).length).toBe(4);
  });

  it('stops retrying after the configured attempts and reports the status', async () => {
    const image = await makeImage('fault-5', 'app');
    const { client, proxy } = await proxied({ intercept: (req) => (req.method === 'HEAD' ? 503 : undefined) });
    await expect(pushImage(client, image, { repository: 'fault/down' })).rejects.toThrow(
      /registry 127\.0\.0\.1:\d+: check blob sha256:[0-9a-f]{64} in fault\/down: 503 Service Unavailable/,
    );
    // three blobs in parallel, three attempts each; the push waits for all before it fails
    expect(proxy.log.filter((l) => l.startsWith('HEAD')).length).toBe(9);
  });
});

describe('RegistryClient authentication', () => {
  it('uses Basic credentials from an htpasswd registry and reports bad ones', async () => {
    const htpasswd = join(work, 'htpasswd');
    writeFileSync(htpasswd, `pusher:${bcrypt.hashSync('pw-basic', 4)}\n`);
    const reg = await registry({ auth: { htpasswd: { path: htpasswd } } });
    const image = await makeImage('auth-1', 'app');
    const client = new RegistryClient({
      registry: reg.host,
      credentials: { username: 'pusher', password: 'pw-basic' },
    });
    const result = await pushImage(client, image, { repository: 'auth/basic', tags: ['v1'] });
    expect(result.uploadedBlobs).toHaveLength(3);
    const pulled = await pullImage(client, parseReference(`${reg.host}/auth/basic:v1`), join(work, 'pulled-basic'));
    expect(pulled.digest).toBe(image.digest);

    const anonymous = new RegistryClient({ registry: reg.host });
    await expect(anonymous.resolveDigest('auth/basic', 'v1')).rejects.toThrow(
      /resolve auth\/basic:v1: 401 Unauthorized \(check the registry credentials\)/,
    );
    const wrong = new RegistryClient({
      registry: reg.host,
      credentials: async () => ({ username: 'pusher', password: 'nope' }),
    });
    await expect(wrong.resolveDigest('auth/basic', 'v1')).rejects.toThrow(/401/);
  });

  it('gets Bearer tokens from the realm for the scopes of each request, mounts included', async () => {
    const { issuer, reg } = await tokenRegistry();
    const image = await makeImage('auth-2', 'app');
    const client = new RegistryClient({ registry: reg.host, credentials: { username: 'robot', password: 'pw-token' } });
    const result = await pushImage(client, image, { repository: 'auth/token', tags: ['v1'] });
    expect(result.uploadedBlobs).toHaveLength(3);
    expect(
      issuer.requests.some((r) => r.user === 'robot' && r.scopes.includes('repository:auth/token:pull,push')),
    ).toBe(true);

    const mounted = await pushImage(client, image, { repository: 'auth/second', mountFrom: ['auth/token'] });
    expect(mounted.mountedBlobs).toHaveLength(3);
    expect(
      issuer.requests.some(
        (r) => r.scopes.includes('repository:auth/second:pull,push') && r.scopes.includes('repository:auth/token:pull'),
      ),
    ).toBe(true);
    const pulled = await pullImage(
      client,
      parseReference(`${reg.host}/auth/second@${image.digest}`),
      join(work, 'pulled-token'),
    );
    expect(pulled.digest).toBe(image.digest);

    const wrong = new RegistryClient({ registry: reg.host, credentials: { username: 'robot', password: 'bad' } });
    await expect(wrong.hasBlob('auth/token', image.configDigest)).rejects.toThrow(
      /token request to http:\/\/127\.0\.0\.1:\d+\/token failed: 401/,
    );
  });
});

describe('RegistryClient authentication when the first requests run concurrently', () => {
  // no tags: pushImage starts with the parallel blob HEADs, so every one meets the first 401
  it('Basic (htpasswd): every concurrent blob upload is retried once with the credentials and lands', async () => {
    const htpasswd = join(work, 'htpasswd-concurrent');
    writeFileSync(htpasswd, `pusher:${bcrypt.hashSync('pw-basic', 4)}\n`);
    const reg = await registry({ auth: { htpasswd: { path: htpasswd } } });
    const image = await manyLayerImage('concurrent-basic', 7);
    const client = new RegistryClient({
      registry: reg.host,
      credentials: { username: 'pusher', password: 'pw-basic' },
    });
    const before = reg.readLog().length;
    const result = await pushImage(client, image, { repository: 'auth/concurrent-basic', concurrency: 8 });
    expect(result.uploadedBlobs).toHaveLength(8);
    const log = (await settledLog(reg)).slice(before);
    // each of the 8 first HEADs was refused once and asked again with the credentials: 16 in all
    const heads = requestsIn(log, /"HEAD \/v2\/auth\/concurrent-basic\/blobs\/sha256:[0-9a-f]{64} HTTP\/1\.1" /);
    expect(heads.filter((l) => l.includes('" 401 '))).toHaveLength(8);
    expect(heads.filter((l) => l.includes('" 404 '))).toHaveLength(8);
    expect(heads).toHaveLength(16);
    expect(await client.resolveDigest('auth/concurrent-basic', image.digest)).toBe(image.digest);
  });

  it('Bearer (token realm): concurrent first requests share one token request per scope set, and all land', async () => {
    const { issuer, reg } = await tokenRegistry();
    const image = await manyLayerImage('concurrent-token', 7);
    const client = new RegistryClient({
      registry: reg.host,
      credentials: { username: 'robot', password: 'pw-token' },
    });
    const result = await pushImage(client, image, { repository: 'auth/concurrent-token', concurrency: 8 });
    expect(result.uploadedBlobs).toHaveLength(8);
    const scopeSets = issuer.requests.map((r) => [...r.scopes].sort().join(' '));
    // one token for the HEADs (pull), one for the uploads and the manifest (pull,push)
    expect(scopeSets.sort()).toEqual([
      'repository:auth/concurrent-token:pull',
      'repository:auth/concurrent-token:pull,push',
    ]);
    expect(await client.resolveDigest('auth/concurrent-token', image.digest)).toBe(image.digest);
  });
});
