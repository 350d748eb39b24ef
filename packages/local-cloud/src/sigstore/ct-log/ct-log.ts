// A certificate transparency log's signing half, as Fulcio uses one: it signs a signed certificate
// timestamp (SCT, RFC 6962 section 3.2) over a precertificate: the issuer's key hash and the
// TBSCertificate without the SCT extension. The SCT goes into the certificate's extension
// 1.3.6.1.4.1.11129.2.4.2, where @sigstore/verify checks it against the trusted root's ctlogs.
import { createHash } from 'node:crypto';
import { ServiceKey } from '../signing-key.ts';

export const SCT_EXTENSION_OID = '1.3.6.1.4.1.11129.2.4.2';

function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function uint24(n: number): Buffer {
  if (n >= 2 ** 24) throw new Error(`CT log: ${n} bytes do not fit a uint24 length`);
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

export class CtLog {
  readonly key: ServiceKey;
  readonly #now: () => Date;

  constructor(options: { now: () => Date; key?: ServiceKey }) {
    this.key = options.key ?? ServiceKey.generate();
    this.#now = options.now;
  }

  /**
   * One serialized SCT (v1, precert entry) for `tbs` issued under the key `issuerSpkiDer`; the
   * digitally-signed struct of RFC 6962 section 3.2.
   */
  signPrecertificate(issuerSpkiDer: Buffer, tbs: Buffer): Buffer {
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(this.#now().getTime()));
    const issuerKeyHash = createHash('sha256').update(issuerSpkiDer).digest();
    const signed = Buffer.concat([
      Buffer.from([0, 0]), // version v1, signature type certificate_timestamp
      timestamp,
      uint16(1), // entry type precert_entry
      issuerKeyHash,
      uint24(tbs.length),
      tbs,
      uint16(0), // no extensions
    ]);
    const signature = this.key.sign(signed);
    return Buffer.concat([
      Buffer.from([0]),
      this.key.logId,
      timestamp,
      uint16(0),
      Buffer.from([4, 3]), // sha256, ecdsa
      uint16(signature.length),
      signature,
    ]);
  }

  /** The SignedCertificateTimestampList of RFC 6962 section 3.3 holding `scts`. */
  static sctList(scts: Buffer[]): Buffer {
    const items = Buffer.concat(scts.map((sct) => Buffer.concat([uint16(sct.length), sct])));
    return Buffer.concat([uint16(items.length), items]);
  }
}
