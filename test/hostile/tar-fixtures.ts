// Hostile tar archives, written byte by byte (POSIX ustar headers and pax extended headers as
// IEEE Std 1003.1 describes them): a pax `size` that is not a number, a negative one, one larger
// than any file, a header whose checksum is wrong, an octal size field with garbage, and an
// archive cut short. Each is about 3 KiB, the size the issue names.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

interface HeaderFields {
  name: string;
  size: number;
  type: string;
  /** the raw 12 bytes of the size field, instead of `size` in octal */
  rawSize?: string;
  /** add this to the computed checksum */
  checksumDelta?: number;
}

function header(fields: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(fields.rawSize ?? octal(fields.size, 12), 124, 12, 'ascii');
  h.write(octal(1714564800, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(fields.type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  sum += fields.checksumDelta ?? 0;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** One pax record, `<length> <key>=<value>\n`, whose length counts itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

function paxEntry(records: string, then: { name: string; data: Buffer }): Buffer {
  const pax = Buffer.from(records, 'utf8');
  return Buffer.concat([
    header({ name: 'PaxHeaders/oci-layout', size: pax.length, type: 'x' }),
    padded(pax),
    header({ name: then.name, size: then.data.length, type: '0' }),
    padded(then.data),
  ]);
}

const LAYOUT = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
const END = Buffer.alloc(2 * BLOCK);

export const HOSTILE_TARS = {
  'pax-size-abc': () => Buffer.concat([paxEntry(paxRecord('size', 'abc'), { name: 'oci-layout', data: LAYOUT }), END]),
  'pax-size-negative': () =>
    Buffer.concat([paxEntry(paxRecord('size', '-1536'), { name: 'oci-layout', data: LAYOUT }), END]),
  'pax-size-huge': () =>
    Buffer.concat([paxEntry(paxRecord('size', '99999999999999999999'), { name: 'oci-layout', data: LAYOUT }), END]),
  'pax-mtime-garbage': () =>
    Buffer.concat([paxEntry(paxRecord('mtime', 'yesterday'), { name: 'oci-layout', data: LAYOUT }), END]),
  'bad-checksum': () =>
    Buffer.concat([
      header({ name: 'oci-layout', size: LAYOUT.length, type: '0', checksumDelta: 7 }),
      padded(LAYOUT),
      END,
    ]),
  'size-field-garbage': () =>
    Buffer.concat([header({ name: 'oci-layout', size: 0, type: '0', rawSize: 'zz7777777777' }), padded(LAYOUT), END]),
  'truncated-entry': () => Buffer.concat([header({ name: 'oci-layout', size: 1_000_000, type: '0' }), padded(LAYOUT)]),
} as const;

export type HostileTar = keyof typeof HOSTILE_TARS;

/** Writes every hostile archive into `dir` (`<name>.tar`) and returns their paths by name. */
export function writeHostileTars(dir: string): Record<HostileTar, string> {
  const paths = {} as Record<HostileTar, string>;
  for (const [name, make] of Object.entries(HOSTILE_TARS) as [HostileTar, () => Buffer][]) {
    const path = join(dir, `${name}.tar`);
    writeFileSync(path, make());
    paths[name] = path;
  }
  return paths;
}
