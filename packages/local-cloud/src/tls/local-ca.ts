// A certificate authority of the local cloud, made fresh at every start, and the certificates it
// issues (ECDSA P-256, valid for a week): serving certificates for 127.0.0.1/localhost and client
// certificates. node:crypto cannot write X.509, so @peculiar/x509 builds them.
import { webcrypto } from 'node:crypto';

type WebCryptoKey = webcrypto.CryptoKey;

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface LocalCa {
  caPem: string;
  /** A serving certificate for 127.0.0.1 and localhost, plus `extraDnsNames`. */
  issueServer(commonName: string, extraDnsNames?: readonly string[]): Promise<IssuedCertificate>;
  /** A client certificate; `subject` as `CN=..., O=...`. */
  issueClient(subject: string): Promise<IssuedCertificate>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function keyPem(key: WebCryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function serial(): string {
  return webcrypto.getRandomValues(new Uint8Array(12)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '01');
}

export async function createLocalCa(name: string, now: Date = new Date()): Promise<LocalCa> {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 7 * 24 * 3600_000);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}-ca`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  async function issue(subject: string, extensions: x509.Extension[]): Promise<IssuedCertificate> {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
        ...extensions,
      ],
    });
    return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
  }

  return {
    caPem: caCert.toString('pem'),
    issueServer: (commonName, extraDnsNames = []) =>
      issue(`CN=${commonName}`, [
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
          ...extraDnsNames.map((value) => ({ type: 'dns' as const, value })),
        ]),
      ]),
    issueClient: (subject) => issue(subject, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]),
  };
}
