// AWS-shaped identifiers: unique IDs (AROA/AIDA + 17 characters) derived from a name, and random
// access key IDs (AKIA/ASIA + 16) and secrets.
import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
}

/** A stable unique ID for an IAM entity (`AROA...` for roles, `AIDA...` for users). */
export function uniqueId(prefix: 'AROA' | 'AIDA' | 'ANPA', account: string, name: string): string {
  return prefix + base32(createHash('sha256').update(`${account}/${prefix}/${name}`).digest(), 17);
}

/** A new access key ID: `AKIA...` (long-lived) or `ASIA...` (temporary). */
export function newAccessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  return prefix + base32(randomBytes(16), 16);
}

/** A new 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'a').replace(/\//g, 'b');
}
