import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type StartedServer } from '../http/server.ts';
import { LayerBucket } from './layer-bucket.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
let upstream: StartedServer;
let bucketServer: StartedServer;
let now = new Date('2026-05-01T10:00:00Z');
let bucket: LayerBucket;
const seen: string[] = [];

beforeAll(async () => {
  upstream = await listen((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '5' });
    res.end('bytes');
  });
  bucket = new LayerBucket({ distributionUrl: upstream.url, now: () => now });
  bucketServer = await listen(bucket.handler());
  bucket.url = bucketServer.url;
});
afterAll(async () => {
  await bucketServer.close();
  await upstream.close();
});

describe('LayerBucket', () => {
  it('streams the blob of the repository a presigned URL names', async () => {
    const res = await fetch(bucket.urlFor('ostock/app', DIGEST));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('bytes');
    expect(seen.at(-1)).toBe(`GET /v2/ostock/app/blobs/${DIGEST}`);
  });

  it("refuses a URL past its expiry with S3's AccessDenied", async () => {
    const url = bucket.urlFor('ostock/app', DIGEST);
    now = new Date(now.getTime() + 3601_000);
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(
      /<Error><Code>AccessDenied<\/Code><Message>Request has expired<\/Message><RequestId>/,
    );
  });

  it('refuses a URL whose path or signature was changed', async () => {
    const url = new URL(bucket.urlFor('ostock/app', DIGEST));
    const other = new URL(url);
    other.pathname = other.pathname.replace(
      Buffer.from('ostock/app').toString('base64url'),
      Buffer.from('ostock/secret').toString('base64url'),
    );
    const res = await fetch(other);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    url.searchParams.set('X-Amz-Expires', '999999');
    expect((await fetch(url)).status).toBe(403);
    const seenBefore = seen.length;
    expect((await fetch(`${bucketServer.url}/v2/ostock/app/blobs/${DIGEST}`)).status).toBe(403);
    expect(seen.length).toBe(seenBefore);
  });
});
