import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../spec-schema.ts';
import { runHttpCheck } from './http-check.ts';

let server: Server;
let base: string;
const requests: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 300);
        return;
      }
      if (req.url === '/text') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('::error::boom\nstack trace here');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag: '"abc123"' });
      res.end(JSON.stringify({ status: 'UP', n: 3, tags: ['a', 'b'], nested: { ok: true, none: null } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const check = (value: unknown) => httpCheck.parse(value);

describe('runHttpCheck (against any base URL)', () => {
  it('passes when status, headers, body and JSON paths match', async () => {
    const problems = await runHttpCheck(
      base,
      check({
        path: '/health',
        expect: {
          status: [200, 204],
          headers: { 'Content-Type': 'application/json' },
          headersMatch: { etag: '^"[0-9a-f]+"$' },
          bodyContains: ['UP'],
          bodyNotContains: ['DOWN'],
          bodyMatches: '"n":\\s*3',
          json: [
            { path: '$.status', equals: 'UP' },
            { path: '$.tags', equals: ['a', 'b'] },
            { path: '$.nested', equals: { none: null, ok: true } },
            { path: '$.nested.none', equals: null },
            { path: '$.n', matches: '^[0-9]$' },
            { path: '$.missing', exists: false },
            { path: '$.status', notEquals: 'DOWN' },
          ],
          maxLatency: '5s',
        },
      }),
    );
    expect(problems).toEqual([]);
  });

  it('sends the method, headers and body it is given', async () => {
    await runHttpCheck(
      base,
      check({ method: 'POST', path: '/things?x=1', headers: { 'x-test': 'y' }, body: '{"q":1}' }),
    );
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/things?x=1',
      headers: { 'x-test': 'y' },
      body: '{"q":1}',
    });
  });

  it('reports every mismatch', async () => {
    const problems = await runHttpCheck(
      base,
      check({
        path: '/health',
        expect: {
          status: 201,
          headers: { 'content-type': 'text/plain', 'x-missing': 'a' },
          headersMatch: { etag: '^W/' },
          bodyContains: ['DOWN'],
          bodyNotContains: ['UP'],
          bodyMatches: '^<html>',
          json: [
            { path: '$.n', equals: 4 },
            { path: '$.x', exists: true },
            { path: '$.status', exists: false },
            { path: '$.tags', equals: ['b', 'a'] },
            { path: '$.status', matches: '^DOWN$' },
            { path: '$.status', notEquals: 'UP' },
          ],
        },
      }),
    );
    const body = JSON.stringify(
      JSON.stringify({ status: 'UP', n: 3, tags: ['a', 'b'], nested: { ok: true, none: null } }),
    );
    expect(problems).toEqual([
      `status 200, expected 201 (body ${body})`,
      'header content-type is "application/json", expected "text/plain"',
      'header x-missing is null, expected "a"',
      'header etag is "\\"abc123\\"", expected to match /^W//',
      'the body does not contain "DOWN"',
      'the body contains "UP"',
      `the body does not match /^<html>/: ${body}`,
      '$.n is 3, expected 4',
      '$.x is missing',
      '$.status exists ("UP")',
      '$.tags is ["a","b"], expected ["b","a"]',
      '$.status is "UP", expected to match /^DOWN$/',
      '$.status is "UP", expected anything else',
    ]);
  });

  it('says when the body is not JSON', async () => {
    const problems = await runHttpCheck(
      base,
      check({ path: '/text', expect: { status: 500, json: [{ path: '$.a', exists: true }] } }),
    );
    expect(problems).toEqual(['the body is not JSON: "::error::boom\\nstack trace here"']);
  });

  it('fails a slow answer against maxLatency, measured with the injected clock', async () => {
    let t = 0;
    const now = () => {
      t += 700;
      return t;
    };
    expect(
      await runHttpCheck(base, check({ path: '/health', expect: { status: 200, maxLatency: '500ms' } }), fetch, now),
    ).toEqual(['answered in 700 ms, more than the 500 ms allowed']);
  });

  it('gives up after its timeout', async () => {
    await expect(runHttpCheck(base, check({ path: '/slow', timeout: '100ms' }))).rejects.toThrow(
      'GET /slow: no answer within 100 ms',
    );
  });

  it('names the request when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(runHttpCheck(`http://127.0.0.1:${port}`, check({ path: '/health' }))).rejects.toThrow(
      'GET /health: ECONNREFUSED',
    );
  });
});
