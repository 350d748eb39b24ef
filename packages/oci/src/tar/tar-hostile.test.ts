// Hostile tar headers: every numeric field of a header and of a PAX record that is not a
// non-negative integer in range is refused with an error naming the archive and the header's byte
// offset, quickly. Each parse runs in a worker with a time and memory limit, so a reader that
// loops (as one did on PAX `size=abc`) fails the test instead of hanging it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BoundedParser } from './bounded-parse.ts';
import { entry, header, type NumericField, paxEntry, paxRecord, tarOf } from './tar-craft.ts';

const work = mkdtempSync(join(tmpdir(), 'oci-tar-hostile-'));
const parser = new BoundedParser({ timeoutMs: 10_000, maxHeapMb: 96, scratch: work });
afterAll(async () => {
  await parser.close();
  rmSync(work, { recursive: true, force: true });
});

const LAYOUT = entry({ name: 'oci-layout', typeflag: '0', size: 30 }, '{"imageLayoutVersion":"1.0.0"}');
const INDEX = entry({ name: 'index.json', typeflag: '0', size: 2 }, '{}');
let counter = 0;

async function parse(bytes: Buffer) {
  const path = join(work, `case-${++counter}.tar`);
  writeFileSync(path, bytes);
  const started = Date.now();
  const outcome = await parser.parse('layout', path);
  return { path, outcome, ms: Date.now() - started };
}

/** The 3 KiB archive of the report: a file, a PAX header with `records`, a file; no end blocks. */
function withPax(records: string): Buffer {
  return tarOf([LAYOUT, paxEntry(records), INDEX], false);
}

describe('tar reader: hostile PAX records', () => {
  it.each([
    ['size=abc', paxRecord('size', 'abc'), /PAX size "abc" is not a non-negative integer/],
    ['size=-1536', paxRecord('size', '-1536'), /PAX size "-1536" is not a non-negative integer/],
    ['size=1e3', paxRecord('size', '1e3'), /PAX size "1e3" is not a non-negative integer/],
    ['size=0x10', paxRecord('size', '0x10'), /PAX size "0x10" is not a non-negative integer/],
    ['size with a space', paxRecord('size', ' 2'), /PAX size " 2" is not a non-negative integer/],
    [
      'size above 2^53',
      paxRecord('size', '99999999999999999999'),
      /PAX size "99999999999999999999" is larger than 2\^53-1/,
    ],
    ['uid=abc', paxRecord('uid', 'abc'), /PAX uid "abc" is not a non-negative integer/],
    ['gid=-1', paxRecord('gid', '-1'), /PAX gid "-1" is not a non-negative integer/],
    ['mtime=abc', paxRecord('mtime', 'abc'), /PAX mtime "abc" is not a non-negative number of seconds/],
    ['mtime=-5', paxRecord('mtime', '-5'), /PAX mtime "-5" is not a non-negative number of seconds/],
    ['atime=NaN', paxRecord('atime', 'NaN'), /PAX atime "NaN" is not a non-negative number of seconds/],
    ['ctime=1e9', paxRecord('ctime', '1e9'), /PAX ctime "1e9" is not a non-negative number of seconds/],
    ['a record length past the data', '99 size=1\n', /PAX record at byte 0 .*length 99 does not fit/],
    ['a record length too short', '3 a=b\n', /PAX record at byte 0 .*length 3 does not fit/],
    ['a record length that is not a number', 'abc size=1\n', /PAX record at byte 0 .*is not a decimal number/],
    ['a negative record length', '-11 size=1\n', /PAX record at byte 0 .*is not a decimal number/],
    ['a record without a newline', '10 size=12X', /PAX record at byte 0 .*does not end with a newline/],
    ['a record without key=value', '6 abc\n', /PAX record at byte 0 .*no 'key=value'/],
    [
      'trailing bytes after the records',
      `${paxRecord('uid', '1')}xyz`,
      /PAX record at byte \d+ .*not a decimal number/,
    ],
    [
      'a size beyond the archive',
      paxRecord('size', '1048576'),
      /tar header at byte 2048: PAX size 1048576 runs past the end/,
    ],
  ])('refuses PAX %s naming the archive and the offset, within seconds', async (_name, records, expected) => {
    const { path, outcome, ms } = await parse(withPax(records));
    expect(outcome.kind).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.message).toContain(`'${path}': tar header at byte`);
    expect(outcome.message).toMatch(expected);
    expect(ms).toBeLessThan(10_000);
  });

  it('reads valid PAX numbers: a fractional mtime, and an empty value that unsets a record', async () => {
    const records =
      paxRecord('mtime', '1600000000.25') + paxRecord('atime', '1') + paxRecord('uid', '7') + paxRecord('uid', '');
    const { outcome } = await parse(tarOf([LAYOUT, paxEntry(records), INDEX]));
    expect(outcome).toEqual({ kind: 'parsed' });
  });
});

describe('tar reader: hostile ustar header fields', () => {
  const field = (name: NumericField, value: Buffer | string, size = 2) =>
    tarOf([LAYOUT, entry({ name: 'index.json', typeflag: '0', size, raw: { [name]: value } }, '{}')]);
  it.each([
    ['size "abc"', field('size', 'abc'), /size "abc.*" is not an octal number/],
    ['size "-1"', field('size', '-1'), /size "-1.*" is not an octal number/],
    [
      'size in base-256, negative',
      field('size', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x00])),
      /size is a negative base-256 number/,
    ],
    [
      'size in base-256, above 2^53',
      field('size', Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
      /size \(base-256\) is larger than 2\^53-1/,
    ],
    [
      'size in base-256, beyond the archive',
      field('size', Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0])),
      /size 4096 runs past the end of the archive/,
    ],
    ['size beyond the archive', field('size', '00000100000\u0000'), /size 32768 runs past the end of the archive/],
    ['mode "zz"', field('mode', 'zz'), /mode "zz.*" is not an octal number/],
    ['uid "-1"', field('uid', '-1'), /uid "-1.*" is not an octal number/],
    ['gid "8"', field('gid', '8'), /gid "8.*" is not an octal number/],
    ['mtime with an inner space', field('mtime', '1 2'), /mtime "1 2.*" is not an octal number/],
    ['devmajor "9"', field('devmajor', '9'), /devmajor "9.*" is not an octal number/],
    ['checksum "xyz"', field('checksum', 'xyz'), /checksum "xyz.*" is not an octal number/],
    ['a wrong checksum', field('checksum', '0000001\u0000'), /checksum 1 does not match the header/],
  ])('refuses %s naming the archive and the offset', async (_name, bytes, expected) => {
    const { path, outcome } = await parse(bytes);
    expect(outcome.kind).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.message).toContain(`'${path}': tar header at byte 1024: `);
    expect(outcome.message).toMatch(expected);
  });

  it('refuses a GNU long name longer than the archive', async () => {
    const long = header({ name: '././@LongLink', typeflag: 'L', size: 100 * 1024 * 1024 });
    const { path, outcome } = await parse(tarOf([LAYOUT, long]));
    expect(outcome).toMatchObject({ kind: 'error' });
    if (outcome.kind === 'error') {
      expect(outcome.message).toContain(`'${path}': tar header at byte 1024: size 104857600 runs past the end`);
    }
  });
});
