// The numeric fields of tar headers and PAX records, decoded strictly: a value bakeline cannot read
// as a non-negative integer in range is refused with what was found, never turned into NaN, a
// negative size or an imprecise float (any of which sends a tar walk backwards or nowhere).
// The rules follow Go's archive/tar (parseNumeric, parsePAXRecord, mergePAX, parsePAXTime): octal
// or GNU base-256 in headers, decimal in PAX records, times with an optional fraction; bakeline is
// stricter in refusing negative values, which no image layer needs.

/** A malformed field; the reader adds the archive and the byte offset. */
export class TarFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFieldError';
  }
}

function shown(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString('latin1'));
}

/**
 * A numeric header field: octal ASCII (leading spaces or NULs, trailing spaces or NULs allowed; empty
 * is 0), or GNU base-256 (top bit of the first byte set; negative values refused).
 */
export function headerNumber(bytes: Uint8Array, field: string): number {
  const first = bytes[0] ?? 0;
  if (first & 0x80) {
    if (first & 0x40) throw new TarFieldError(`${field} is a negative base-256 number`);
    let value = first & 0x3f;
    for (let i = 1; i < bytes.length; i++) {
      value = value * 256 + (bytes[i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw new TarFieldError(`${field} (base-256) is larger than 2^53-1`);
    }
    return value;
  }
  let start = 0;
  let end = bytes.length;
  while (start < end && (bytes[start] === 0x20 || bytes[start] === 0)) start++;
  while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
  if (start === end) return 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c < 0x30 || c > 0x37) throw new TarFieldError(`${field} ${shown(bytes)} is not an octal number`);
  }
  // at most 12 bytes: 8^12 is far below 2^53
  return Number.parseInt(Buffer.from(bytes.subarray(start, end)).toString('ascii'), 8);
}

const DECIMAL = /^[0-9]+$/;
const TIME = /^([0-9]+)(?:\.[0-9]*)?$/;

/** A PAX `size`, `uid` or `gid`: decimal digits only, at most 2^53-1. */
export function paxInteger(value: string, key: string): number {
  if (!DECIMAL.test(value))
    throw new TarFieldError(`PAX ${key} ${JSON.stringify(value)} is not a non-negative integer`);
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new TarFieldError(`PAX ${key} ${JSON.stringify(value)} is larger than 2^53-1`);
  }
  return number;
}

/** A PAX `mtime`, `atime` or `ctime`: seconds, optionally with a fraction (dropped). */
export function paxTime(value: string, key: string): number {
  const match = TIME.exec(value);
  if (!match?.[1]) {
    throw new TarFieldError(`PAX ${key} ${JSON.stringify(value)} is not a non-negative number of seconds`);
  }
  const seconds = Number(match[1]);
  if (!Number.isSafeInteger(seconds)) {
    throw new TarFieldError(`PAX ${key} ${JSON.stringify(value)} is larger than 2^53-1`);
  }
  return seconds;
}

export interface PaxRecord {
  key: string;
  value: Buffer;
}

/**
 * Splits PAX extended header data into `<length> <key>=<value>\n` records. The length must be
 * decimal and count the whole record, which must end with a newline; the key must be non-empty.
 * Anything else (including trailing bytes that are not a record) is refused.
 */
export function paxRecords(data: Buffer): PaxRecord[] {
  const records: PaxRecord[] = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const digits = space === -1 ? '' : data.subarray(pos, space).toString('latin1');
    if (space === -1 || space - pos > 16 || !DECIMAL.test(digits)) {
      throw new TarFieldError(
        `PAX record at byte ${pos} of the extended header: length ${JSON.stringify(data.subarray(pos, Math.min(pos + 16, data.length)).toString('latin1'))} is not a decimal number followed by a space`,
      );
    }
    const length = Number(digits);
    const recordEnd = pos + length;
    if (length < digits.length + 4 || recordEnd > data.length) {
      throw new TarFieldError(
        `PAX record at byte ${pos} of the extended header: length ${length} does not fit the ${data.length - pos} bytes left`,
      );
    }
    if (data[recordEnd - 1] !== 0x0a) {
      throw new TarFieldError(`PAX record at byte ${pos} of the extended header: does not end with a newline`);
    }
    const record = data.subarray(space + 1, recordEnd - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new TarFieldError(`PAX record at byte ${pos} of the extended header: no 'key=value'`);
    records.push({ key: record.subarray(0, eq).toString('utf8'), value: record.subarray(eq + 1) });
    pos = recordEnd;
  }
  return records;
}
