// Test support: hand-made tar bytes, valid or deliberately not, for the hostile-input and fuzz
// tests of the tar reader. Not exported by the package.
import { BLOCK, padding } from './tar-header.ts';

/** Offset and length of each numeric ustar header field. */
export const NUMERIC_FIELDS = {
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  devmajor: [329, 8],
  devminor: [337, 8],
} as const satisfies Record<string, readonly [number, number]>;

export type NumericField = keyof typeof NUMERIC_FIELDS;

/** Writes the header's checksum (unsigned sum, six octal digits, NUL, space). */
export function fixChecksum(block: Buffer, at = 0): void {
  block.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + BLOCK; i++) sum += block[i] ?? 0;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, at + 148, 8, 'latin1');
}

export interface CraftedHeader {
  name: string;
  typeflag: string;
  size: number;
  /** Raw bytes for numeric fields (written as given, e.g. 'abc' or base-256). */
  raw?: Partial<Record<NumericField, Buffer | string>>;
}

/** One ustar header block with a correct checksum (unless `raw.checksum` is given). */
export function header(fields: CraftedHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  const octal = (field: NumericField, value: number) => {
    const [at, length] = NUMERIC_FIELDS[field];
    block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, at, length, 'latin1');
  };
  octal('mode', 0o644);
  octal('uid', 0);
  octal('gid', 0);
  octal('size', fields.size);
  octal('mtime', 1_700_000_000);
  block.write(fields.typeflag, 156, 1, 'latin1');
  block.write('ustar\u000000', 257, 8, 'latin1');
  octal('devmajor', 0);
  octal('devminor', 0);
  for (const [field, value] of Object.entries(fields.raw ?? {})) {
    if (field === 'checksum') continue;
    const [at, length] = NUMERIC_FIELDS[field as NumericField];
    block.fill(0, at, at + length);
    (typeof value === 'string' ? Buffer.from(value, 'latin1') : value).copy(block, at, 0, length);
  }
  fixChecksum(block);
  const checksum = fields.raw?.checksum;
  if (checksum !== undefined) {
    block.fill(0, 148, 156);
    (typeof checksum === 'string' ? Buffer.from(checksum, 'latin1') : checksum).copy(block, 148, 0, 8);
  }
  return block;
}

/** A PAX record with its length computed: `<n> key=value\n`. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`.length;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return `${length} ${key}=${value}\n`;
}

/** An entry: its header, then its data padded to the block size. */
export function entry(fields: CraftedHeader, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([header(fields), bytes, Buffer.alloc(padding(bytes.length))]);
}

/** A PAX extended header ('x') carrying `records` (raw text: lengths as given). */
export function paxEntry(records: string): Buffer {
  return entry({ name: 'PaxHeader', typeflag: 'x', size: Buffer.byteLength(records, 'latin1') }, records);
}

/** Entries followed by the two zero blocks (or not, as some writers do). */
export function tarOf(entries: Buffer[], endBlocks = true): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(endBlocks ? 2 * BLOCK : 0)]);
}
