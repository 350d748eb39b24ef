import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runHttpCheck } from './checks/http-check.ts';
import { isRootUser, runMetadataCheck, secretLookingEnv } from './checks/metadata-check.ts';
import { evaluateJsonPath } from './json-path.ts';
import { junitXml } from './junit.ts';
import { httpCheck } from './spec-schema.ts';

describe('evaluateJsonPath', () => {
  const doc = { a: { b: [{ c: 1 }, { 'd-e': 'x' }] }, s: 'UP' };
  it.each([
    ['$.s', true, 'UP'],
    ['$.a.b[0].c', true, 1],
    ["$.a.b[1]['d-e']", true, 'x'],
    ['$.a.b[2]', false, undefined],
    ['$.missing.x', false, undefined],
  ])('%s', (path, found, value) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found, value });
  });
});

describe('metadata checks', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['0', true],
    ['root:root', true],
    ['10001', false],
    ['app', false],
  ])('user %j is root: %s', (user, root) => expect(isRootUser(user)).toBe(root));

  it('finds secret-looking environment variables by name or value', () => {
    expect(secretLookingEnv(['PATH=/bin', 'DB_PASSWORD=x', 'NOTE=AKIAABCDEFGHIJKLMNOP', 'JAVA_HOME=/j'])).toEqual([
      'DB_PASSWORD',
      'NOTE',
    ]);
  });

  it('reports every mismatch', () => {
    const problems = runMetadataCheck(
      {
        Id: 'sha256:x',
        Config: { User: 'root', ExposedPorts: { '9090/tcp': {} }, Labels: { a: '1' }, Entrypoint: ['java'] },
      },
      {
        user: { notRoot: true },
        exposedPorts: [8080],
        labels: { present: ['b'], equals: { a: '2' } },
        entrypoint: ['sh'],
      },
    );
    expect(problems).toEqual([
      'the image runs as root (User is "root")',
      'port 8080/tcp is not exposed (exposed: 9090/tcp)',
      'label b is missing',
      'label a is "1", expected "2"',
      'entrypoint is ["java"], expected ["sh"]',
    ]);
  });
});

describe('http checks (against any base URL)', () => {
  it('checks status, headers, JSON and body against a server on 127.0.0.1', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'UP', n: 3 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = httpCheck.parse({
        path: '/h',
        expect: { json: [{ path: '$.status', equals: 'UP' }], headers: { 'content-type': 'application/json' } },
      });
      expect(await runHttpCheck(base, ok)).toEqual([]);
      const bad = httpCheck.parse({
        path: '/h',
        expect: {
          status: 201,
          json: [
            { path: '$.n', equals: 4 },
            { path: '$.x', exists: true },
          ],
          bodyContains: ['DOWN'],
        },
      });
      expect(await runHttpCheck(base, bad)).toEqual([
        'status 200, expected 201',
        'body does not contain "DOWN"',
        '$.n is 3, expected 4',
        '$.x is missing',
      ]);
    } finally {
      server.close();
    }
  });
});

describe('junitXml', () => {
  it('writes one testcase a check, escaped, with counts', () => {
    const xml = junitXml('platform-test', [
      { name: 'a <b>', kind: 'http', status: 'passed', durationMs: 12, message: '' },
      { name: 'c', kind: 'file', status: 'failed', durationMs: 3, message: 'x & "y"' },
      { name: 'd', kind: 'command', status: 'skipped', durationMs: 0, message: 'n/a' },
    ]);
    expect(xml).toContain(
      '<testsuite name="platform-test" tests="3" failures="1" errors="0" skipped="1" time="0.015">',
    );
    expect(xml).toContain('name="a &lt;b&gt;"');
    expect(xml).toContain('<failure message="x &amp; &quot;y&quot;" type="file">');
    expect(xml).toContain('<skipped message="n/a"/>');
  });
});
