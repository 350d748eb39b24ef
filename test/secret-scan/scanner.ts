// Looks for secret values in files, in every form a leak may take: raw, URL-encoded (percent and
// form encoding), and base64 / base64url at each of the three byte alignments. A secret that sits
// at byte offset k of a longer string encodes differently for k mod 3 = 0, 1, 2; only the middle
// characters that depend on the secret's bytes alone are stable, so those are the needles.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secret {
  name: string;
  value: string;
}

export interface Needle {
  secret: string;
  form: string;
  text: string;
}

export interface Hit {
  secret: string;
  form: string;
  file: string;
  offset: number;
}

/** The base64 characters of `value` placed at byte offset `alignment`, independent of its neighbours. */
export function stableBase64(value: Buffer, alignment: 0 | 1 | 2, url: boolean): string {
  const encoded = Buffer.concat([Buffer.alloc(alignment, 0x41), value]).toString(url ? 'base64url' : 'base64');
  const total = alignment + value.length;
  // character i holds bits [6i, 6i+6): stable when they lie inside the secret's bytes
  const first = Math.ceil((8 * alignment) / 6);
  const end = Math.floor((8 * total) / 6);
  return encoded.slice(first, end);
}

export function needlesOf(secret: Secret): Needle[] {
  const bytes = Buffer.from(secret.value, 'utf8');
  const forms: [string, string][] = [
    ['raw', secret.value],
    ['url-encoded', encodeURIComponent(secret.value)],
    ['form-encoded', new URLSearchParams({ x: secret.value }).toString().slice(2)],
  ];
  for (const alignment of [0, 1, 2] as const) {
    forms.push([`base64@${alignment}`, stableBase64(bytes, alignment, false)]);
    forms.push([`base64url@${alignment}`, stableBase64(bytes, alignment, true)]);
  }
  // raw and URL-encoded, base64 and base64url are often the same text: one needle, every form named
  const byText = new Map<string, string[]>();
  for (const [form, text] of forms) {
    if (text.length < 8) throw new Error(`secret '${secret.name}': its ${form} needle is too short to look for`);
    byText.set(text, [...(byText.get(text) ?? []), form]);
  }
  return [...byText].map(([text, names]) => ({ secret: secret.name, form: names.join('|'), text }));
}

/** Every regular file under `roots` (symbolic links are not followed; they point into what is read anyway). */
export function filesUnder(roots: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (st.isFile()) {
      files.push(path);
    }
  };
  for (const root of roots) walk(root);
  return files;
}

export interface ScanReport {
  files: string[];
  bytes: number;
  hits: Hit[];
}

// a multiplicative hash of a needle's first four bytes into a table of 2^20 slots
const TABLE_BITS = 20;
const HASH = 0x9e3779b1 | 0;
const SHIFT = 32 - TABLE_BITS;

/**
 * Where each needle first occurs in `content` (-1 where it does not), as `content.indexOf(needle)`
 * would say, in one pass over the content instead of one per needle: a 1.4 GB run directory
 * searched for 300 needles took a minute with indexOf. Each position's next four bytes go through
 * a table of the needles' first four bytes; only a position that passes is compared in full.
 */
export function firstOffsets(content: Uint8Array, needles: readonly Uint8Array[]): number[] {
  const offsets = needles.map(() => -1);
  const prefixes = needles.map((needle) => {
    if (needle.length < 4) throw new Error(`a needle of ${needle.length} bytes is too short to look for`);
    return prefixOf(needle, 0);
  });
  const bySlot = new Map<number, number[]>();
  const table = new Uint8Array(1 << TABLE_BITS);
  for (const [index, prefix] of prefixes.entries()) {
    const prefixSlot = slot(prefix);
    bySlot.set(prefixSlot, [...(bySlot.get(prefixSlot) ?? []), index]);
    table[prefixSlot] = 1;
  }
  const bytes = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  let missing = needles.length;
  // the key holds the four bytes that end at `end`: the needles that would start at `end - 3`
  let key = 0;
  for (let end = 0; end < bytes.length; end++) {
    key = (key >>> 8) | ((bytes[end] as number) << 24);
    const keySlot = slot(key);
    if (table[keySlot] === 0 || end < 3) continue;
    const at = end - 3;
    for (const index of bySlot.get(keySlot) as number[]) {
      if (offsets[index] === -1 && prefixes[index] === key && matchesAt(bytes, needles[index] as Uint8Array, at)) {
        offsets[index] = at;
        if (--missing === 0) return offsets;
      }
    }
  }
  return offsets;
}

function slot(key: number): number {
  return Math.imul(key, HASH) >>> SHIFT;
}

/** The four bytes at `at`, little-endian, as a signed 32-bit integer (in int32 range V8 keeps it unboxed). */
function prefixOf(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) |
    ((bytes[at + 1] as number) << 8) |
    ((bytes[at + 2] as number) << 16) |
    ((bytes[at + 3] as number) << 24)
  );
}

function matchesAt(bytes: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > bytes.length) return false;
  for (let i = 4; i < needle.length; i++) if (bytes[at + i] !== needle[i]) return false;
  return true;
}

/**
 * Reads every file and searches it for every needle. Files with the same bytes (a blob in the
 * registry, in a layout and in an artifact) are searched once; a hit is reported for each of them.
 */
export function scanFiles(files: readonly string[], secrets: readonly Secret[]): ScanReport {
  const needles = secrets.flatMap(needlesOf).map((n) => ({ ...n, bytes: Buffer.from(n.text, 'utf8') }));
  const needleBytes = needles.map((n) => n.bytes);
  const hitsByContent = new Map<string, { secret: string; form: string; offset: number }[]>();
  const hits: Hit[] = [];
  let bytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    bytes += content.length;
    const key = createHash('sha256').update(content).digest('hex');
    let found = hitsByContent.get(key);
    if (found === undefined) {
      found = [];
      for (const [index, at] of firstOffsets(content, needleBytes).entries()) {
        const needle = needles[index];
        if (needle && at >= 0) found.push({ secret: needle.secret, form: needle.form, offset: at });
      }
      hitsByContent.set(key, found);
    }
    for (const h of found) hits.push({ ...h, file });
  }
  return { files: [...files], bytes, hits };
}
