// An ECDSA P-256 key of a Sigstore service (CT log, transparency log): its public key as DER
// SubjectPublicKeyInfo, the log ID derived from it (SHA-256 of that DER, as RFC 6962 and Rekor
// define it), and signatures in the DER form the verifiers expect.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export class ServiceKey {
  readonly #privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKeyDer: Buffer;
  /** SHA-256 of `publicKeyDer`: the log ID of RFC 6962 section 3.2 and of Rekor. */
  readonly logId: Buffer;

  private constructor(privateKey: KeyObject, publicKeyDer: Buffer) {
    this.#privateKey = privateKey;
    this.publicKeyDer = publicKeyDer;
    this.logId = createHash('sha256').update(publicKeyDer).digest();
  }

  static generate(): ServiceKey {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new ServiceKey(privateKey, publicKey.export({ type: 'spki', format: 'der' }));
  }

  /** ECDSA with SHA-256 over `data`, DER-encoded (what Rekor, CT and @sigstore/verify use). */
  sign(data: Buffer): Buffer {
    return sign('sha256', data, this.#privateKey);
  }
}
