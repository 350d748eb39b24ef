import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MavenDistServer, startMavenDistServer } from './dist-server.ts';

describe('the Maven distribution server', () => {
  let server: MavenDistServer;
  const parent = mkdtempSync(join(tmpdir(), 'maven-dist-test-'));
  const root = join(parent, 'root');

  beforeAll(async () => {
    mkdirSync(join(root, 'maven-3', '3.8.7', 'binaries'), { recursive: true });
    writeFileSync(join(root, 'maven-3', '3.8.7', 'binaries', 'apache-maven-3.8.7-bin.tar.gz.sha512'), 'ab\n');
    writeFileSync(join(parent, 'secret.txt'), 'outside the root');
    server = await startMavenDistServer({ root });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('serves files under its root, and records each request', async () => {
    const res = await fetch(`${server.url}/maven-3/3.8.7/binaries/apache-maven-3.8.7-bin.tar.gz.sha512`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ab\n');
    expect(server.requests).toContain('GET /maven-3/3.8.7/binaries/apache-maven-3.8.7-bin.tar.gz.sha512');
  });

  it.each([
    ['/maven-3/3.9.9/binaries/apache-maven-3.9.9-bin.tar.gz', 404],
    ['/maven-3', 404],
    ['/%2e%2e/secret.txt', 404],
    ['/..%2fsecret.txt', 404],
  ])('answers %s with %i', async (path, status) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(status);
    expect(await res.text()).not.toContain('outside the root');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await fetch(`${server.url}/maven-3`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
