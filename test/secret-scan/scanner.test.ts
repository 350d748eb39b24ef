// The scanner finds a secret in each encoding at each alignment inside longer text, and only there.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { firstOffsets, needlesOf, scanFiles, stableBase64 } from './scanner.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-scanner-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const SECRET = { name: 'planted', value: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY' };

describe('secret scanner', () => {
  test.each([0, 1, 2, 3, 4, 5, 7])(
    'base64 and base64url of text with the secret at byte %i contain a needle',
    (offset) => {
      const text = Buffer.concat([Buffer.from('x'.repeat(offset)), Buffer.from(SECRET.value), Buffer.from('}tail')]);
      const needles = needlesOf(SECRET);
      for (const encoding of ['base64', 'base64url'] as const) {
        const encoded = text.toString(encoding);
        const matching = needles.filter((n) => encoded.includes(n.text)).flatMap((n) => n.form.split('|'));
        expect(matching).toContain(`${encoding}@${offset % 3}`);
      }
    },
  );

  test('the stable middle does not depend on the neighbours', () => {
    const value = Buffer.from(SECRET.value);
    for (const alignment of [0, 1, 2] as const) {
      const middle = stableBase64(value, alignment, false);
      for (const prefix of ['\0', 'zz', '\xff']) {
        const pre = Buffer.from(prefix.repeat(alignment + 3).slice(0, alignment + 3), 'latin1');
        const around = Buffer.concat([pre, value, Buffer.from('!?')]).toString('base64');
        if (pre.length % 3 === alignment) expect(around).toContain(middle);
      }
    }
  });

  test('finds raw, percent-encoded, form-encoded and base64 copies in files; none in clean files', () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    const files = {
      raw: `log line ${SECRET.value} end`,
      url: `GET /x?token=${encodeURIComponent(SECRET.value)}`,
      form: `a=1&k=${new URLSearchParams({ k: SECRET.value }).toString().slice(2)}`,
      b64: Buffer.from(`{"auth":"AWS:${SECRET.value}"}`).toString('base64'),
      b64url: `k8s-aws-v1.${Buffer.from(`https://sts/?X-Amz-Security-Token=${SECRET.value}`).toString('base64url')}`,
      clean: 'nothing here but wJalrXUtnFEMI (a prefix is not the secret)',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const report = scanFiles(
      Object.keys(files).map((n) => join(dir, n)),
      [SECRET],
    );
    const hitFiles = new Set(report.hits.map((h) => h.file.slice(dir.length + 1)));
    expect([...hitFiles].sort()).toEqual(['b64', 'b64url', 'form', 'raw', 'url']);
    expect(report.files).toHaveLength(6);
  });

  test('the one-pass search gives the offset indexOf gives, for every needle', () => {
    const needles = [
      ...Array.from({ length: 200 }, () => Buffer.from(randomBytes(24).toString('base64'))),
      Buffer.from('AAAAAAAAAB'), // a prefix shared with the next two, in a run of its first byte
      Buffer.from('AAAAAAAB'),
      Buffer.from('AAAAC'),
      Buffer.from('tail-needle'),
      Buffer.from('head-needle'),
      Buffer.from('cut-at-the-end!'),
      Buffer.from('head-needle'), // the same needle twice
    ];
    const content = Buffer.concat([
      Buffer.from('head-needle'),
      randomBytes(64 * 1024),
      Buffer.from('AAAAAAAAAAAAAAAAAAAB'),
      ...needles.slice(0, 100).flatMap((n) => [n, randomBytes(97)]),
      needles[3] as Buffer, // a second copy: the first one counts
      Buffer.from('tail-needle'),
      Buffer.from('cut-at-the-end'),
    ]);
    const expected = needles.map((n) => content.indexOf(n));
    expect(firstOffsets(content, needles)).toEqual(expected);
    expect(expected.filter((at) => at >= 0).length).toBeGreaterThanOrEqual(105);
    expect(expected.slice(200)).toEqual([
      content.indexOf('AAAAAAAAAB'),
      content.indexOf('AAAAAAAB'),
      -1,
      content.length - 'tail-needle'.length - 'cut-at-the-end'.length,
      0,
      -1,
      0,
    ]);
    // shorter than a prefix, and empty
    expect(firstOffsets(Buffer.from('AAA'), [Buffer.from('AAAA')])).toEqual([-1]);
    expect(firstOffsets(Buffer.alloc(0), [Buffer.from('AAAA')])).toEqual([-1]);
  });
});
