// The few DER pieces the Sigstore stand-ins write or cut by hand: an OCTET STRING or UTF8String
// around bytes, and the TBSCertificate of a certificate (its first element), which the CT log
// signs as the precertificate of RFC 6962 section 3.2.

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const derOctetString = (content: Buffer): Buffer => tlv(0x04, content);
export const derUtf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/** Header length and content length of the TLV at `offset`. */
function readHeader(der: Buffer, offset: number): { header: number; length: number } {
  const first = der[offset + 1];
  if (first === undefined) throw new Error('DER: truncated');
  if (first < 0x80) return { header: 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('DER: unsupported length form');
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = der[offset + 2 + i];
    if (byte === undefined) throw new Error('DER: truncated');
    length = length * 256 + byte;
  }
  return { header: 2 + count, length };
}

/** The DER TBSCertificate of a DER certificate (the first element of its outer SEQUENCE). */
export function tbsCertificate(certificateDer: Buffer): Buffer {
  if (certificateDer[0] !== 0x30) throw new Error('DER: a certificate is a SEQUENCE');
  const outer = readHeader(certificateDer, 0);
  const start = outer.header;
  if (certificateDer[start] !== 0x30) throw new Error('DER: a TBSCertificate is a SEQUENCE');
  const inner = readHeader(certificateDer, start);
  const end = start + inner.header + inner.length;
  if (end > certificateDer.length) throw new Error('DER: truncated TBSCertificate');
  return certificateDer.subarray(start, end);
}
