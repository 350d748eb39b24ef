// A crafted `archive` (3 KiB, one PAX record with a size that is not a non-negative integer) given
// to the bundled ecr-push as the runner runs it: refused within seconds, exit 1, the first error
// line names the input and the archive; no request reaches the endpoints; no scratch is left in
// the runner's temp. The same archive made the tar reader spin until its heap ran out.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundledAction } from '@bakeline/test/harness';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** One tar entry: a ustar header (checksum set) and its data padded to 512 bytes. */
function tarEntry(name: string, typeflag: string, data: string): Buffer {
  const header = Buffer.alloc(512);
  const octal = (at: number, length: number, value: number) =>
    header.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, at, length, 'latin1');
  header.write(name, 0, 100, 'latin1');
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, Buffer.byteLength(data, 'latin1'));
  octal(136, 12, 1_700_000_000);
  header.fill(0x20, 148, 156);
  header.write(typeflag, 156, 1, 'latin1');
  header.write('ustar\u000000', 257, 8, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data, 'latin1') / 512) * 512);
  body.write(data, 0, 'latin1');
  return Buffer.concat([header, body]);
}

function hostileArchive(sizeValue: string): Buffer {
  const record = (length: number) => `${length} size=${sizeValue}\n`;
  let length = record(0).length;
  while (record(length).length !== length) length = record(length).length;
  return Buffer.concat([
    tarEntry('oci-layout', '0', '{"imageLayoutVersion":"1.0.0"}'),
    tarEntry('PaxHeader', 'x', record(length)),
    tarEntry('index.json', '0', '{}'),
  ]);
}

let requests = 0;
let endpoint = '';
const server = createServer((_req, res) => {
  requests++;
  res.writeHead(500).end();
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('ecr-push refuses a crafted archive', () => {
  test.each([
    ['abc', /PAX size "abc" is not a non-negative integer/],
    ['-1536', /PAX size "-1536" is not a non-negative integer/],
  ])(
    'a 3 KiB tar with PAX size=%s: exit 1 within seconds naming the archive; nothing pushed',
    async (value, reason) => {
      const workspace = mkdtempSync(join(tmpdir(), 'bakeline-ecr-push-hostile-'));
      const runnerTemp = mkdtempSync(join(tmpdir(), 'bakeline-ecr-push-temp-'));
      const archive = join(workspace, `pax-size-${value}.tar`);
      const bytes = hostileArchive(value);
      expect(bytes.length).toBe(3 * 1024);
      writeFileSync(archive, bytes);
      const result = await runBundledAction('ecr-push', {
        workspace,
        runnerTemp,
        inputs: {
          archive,
          digest: DIGEST,
          repository: 'ostock/licensing-service',
          tags: 'v1',
          region: 'us-east-1',
          'role-to-assume': 'arn:aws:iam::123456789012:role/bakeline-ecr-push',
          'ecr-endpoint': endpoint,
          'sts-endpoint': endpoint,
        },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${endpoint}/idtoken?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        },
        timeoutMs: 60_000,
      });
      const main = result.phases.find((p) => p.name === 'main');
      expect(result.exitCode).toBe(1);
      expect(main?.durationMs).toBeLessThan(10_000);
      const first = result.annotations.find((a) => a.level === 'error')?.message.split('\n')[0] ?? '';
      expect(first).toMatch(/^Input 'archive': got ".*pax-size-.*\.tar"; expected a tar of an OCI layout/);
      expect(first).toContain(archive);
      expect(first).toMatch(reason);
      expect(first).toContain('tar header at byte 1024');
      expect(requests).toBe(0);
      // the harness keeps its own files in a bakeline-step-* directory there
      expect(readdirSync(runnerTemp).filter((name) => !name.startsWith('bakeline-step-'))).toEqual([]);
    },
  );
});
