// ustar headers with PAX extended headers where ustar cannot hold a value (long or non-ASCII
// names, large sizes or ids, extended attributes). Every field is written the same way every time:
// no uname/gname, no atime/ctime, a fixed PAX header name.

export const BLOCK = 512;

/** A header's contents after normalisation (see layer-entries.ts). */
export interface HeaderFields {
  /** Without a trailing '/'; directories get one here. */
  path: string;
  typeflag: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devMajor: number;
  devMinor: number;
  xattrs: [string, Uint8Array][];
}

const MAX_OCTAL_7 = 0o7777777; // 8-byte fields: 7 digits
const MAX_OCTAL_11 = 0o77777777777; // 12-byte fields: 11 digits
const PAX_NAME = 'PaxHeader';

function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  buf.write(digits, offset, length - 1, 'ascii');
  buf[offset + length - 1] = 0;
}

function paxRecord(key: string, value: Uint8Array | string): Buffer {
  const valueBytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  const rest = Buffer.byteLength(` ${key}=`) + valueBytes.length + 1;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`, 'utf8'), valueBytes, Buffer.from('\n')]);
}

/** The ustar fields: a header's fields with the name as it fits in 100 bytes (the path may go to PAX). */
type UstarFields = Omit<HeaderFields, 'path' | 'xattrs' | 'typeflag'> & {
  name: string;
  typeflag: HeaderFields['typeflag'] | 'x';
};

function ustarHeader(fields: UstarFields): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(fields.name, 0, 100, 'utf8');
  writeOctal(buf, 100, 8, fields.mode);
  writeOctal(buf, 108, 8, fields.uid);
  writeOctal(buf, 116, 8, fields.gid);
  writeOctal(buf, 124, 12, fields.size);
  writeOctal(buf, 136, 12, fields.mtime);
  buf.fill(0x20, 148, 156);
  buf.write(fields.typeflag, 156, 1, 'ascii');
  buf.write(fields.linkname, 157, 100, 'utf8');
  buf.write('ustar\u000000', 257, 8, 'ascii');
  writeOctal(buf, 329, 8, fields.devMajor);
  writeOctal(buf, 337, 8, fields.devMinor);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i] ?? 0;
  buf.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return buf;
}

/** The header block(s) of one entry: a PAX header first when needed, then the ustar header. */
export function encodeHeader(fields: HeaderFields): Buffer {
  const name = fields.typeflag === '5' ? `${fields.path}/` : fields.path;
  const records: Buffer[] = [];
  const nameFits = Buffer.byteLength(name) <= 100 && isPlainAscii(name);
  const linkFits = Buffer.byteLength(fields.linkname) <= 100 && isPlainAscii(fields.linkname);
  if (!nameFits) records.push(paxRecord('path', name));
  if (!linkFits) records.push(paxRecord('linkpath', fields.linkname));
  if (fields.size > MAX_OCTAL_11) records.push(paxRecord('size', String(fields.size)));
  if (fields.uid > MAX_OCTAL_7) records.push(paxRecord('uid', String(fields.uid)));
  if (fields.gid > MAX_OCTAL_7) records.push(paxRecord('gid', String(fields.gid)));
  if (fields.mtime > MAX_OCTAL_11) records.push(paxRecord('mtime', String(fields.mtime)));
  for (const [key, value] of fields.xattrs) records.push(paxRecord(`SCHILY.xattr.${key}`, value));

  const header = ustarHeader({
    name: nameFits ? name : asciiFallback(name, 100),
    typeflag: fields.typeflag,
    mode: fields.mode,
    uid: fields.uid > MAX_OCTAL_7 ? 0 : fields.uid,
    gid: fields.gid > MAX_OCTAL_7 ? 0 : fields.gid,
    size: fields.size > MAX_OCTAL_11 ? 0 : fields.size,
    mtime: fields.mtime > MAX_OCTAL_11 ? 0 : fields.mtime,
    linkname: linkFits ? fields.linkname : asciiFallback(fields.linkname, 100),
    devMajor: fields.devMajor,
    devMinor: fields.devMinor,
  });
  if (records.length === 0) return header;
  const body = Buffer.concat(records);
  const paxHeader = ustarHeader({
    name: PAX_NAME,
    typeflag: 'x',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: Math.min(fields.mtime, MAX_OCTAL_11),
    linkname: '',
    devMajor: 0,
    devMinor: 0,
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(padding(body.length)), header]);
}

/** Readers that ignore PAX still see a recognisable, fixed name. */
function asciiFallback(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c >= 0x20 && c <= 0x7e ? ch : '_';
  }
  return out.slice(-max);
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Two zero blocks end the archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
