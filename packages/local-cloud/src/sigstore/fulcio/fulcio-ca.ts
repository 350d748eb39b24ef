// A Fulcio-like certificate authority for the local cloud. It issues a short-lived code-signing
// certificate for a public key to the holder of a GitHub Actions OIDC token, as Fulcio's
// `POST /api/v2/signingCert` does, after checking what Fulcio checks:
// - the token: signed by a key of the issuer's JWKS, `iss` the configured issuer, `aud` sigstore,
//   not expired (no clock skew allowed), and carrying the claims of Fulcio's GitHub principal;
// - the proof of possession: a signature of the token's `sub` by the private key;
// - the key: ECDSA P-256 or P-384 (Fulcio also takes RSA of 2048+ bits, which sigstore-js never sends).
// The certificate (root -> intermediate -> leaf, built with @peculiar/x509) carries Fulcio's GitHub
// workflow extensions and an embedded SCT from the CT log, as @sigstore/verify requires.
import { createPublicKey, type KeyObject, verify, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createLocalJWKSet, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { CtLog, SCT_EXTENSION_OID } from '../ct-log/ct-log.ts';
import { derOctetString, tbsCertificate } from '../der.ts';
import { FULCIO_MESSAGES, FulcioError } from './fulcio-errors.ts';
import { type GithubIdentity, githubIdentity, githubWorkflowClaims } from './github-extensions.ts';

type WebCryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Fulcio's certificates are valid for 10 minutes. */
const LEAF_LIFETIME_MS = 10 * 60_000;

export interface FulcioCaOptions {
  /** The OIDC issuer whose tokens are accepted (`iss`). */
  issuer: string;
  /** The issuer's current JWKS (fetched through its discovery document). */
  jwks: () => Promise<{ keys: JWK[] }>;
  /** Default `sigstore`, Fulcio's client ID. */
  audience?: string;
  /** Base of the URIs in the certificate (default https://github.com). */
  serverUrl?: string;
  ctLog: CtLog;
  now: () => Date;
}

export interface SigningCertRequest {
  credentials?: { oidcIdentityToken?: unknown };
  publicKeyRequest?: { publicKey?: { algorithm?: unknown; content?: unknown }; proofOfPossession?: unknown };
}

export interface SigningCertResponse {
  signedCertificateEmbeddedSct: { chain: { certificates: string[] } };
}

interface CaCertificate {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

function serial(): string {
  return webcrypto.getRandomValues(new Uint8Array(16)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '01');
}

async function spkiDer(key: WebCryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('spki', key));
}

export class FulcioCa {
  readonly #options: FulcioCaOptions;
  readonly #root: CaCertificate;
  readonly #intermediate: CaCertificate;

  private constructor(options: FulcioCaOptions, root: CaCertificate, intermediate: CaCertificate) {
    this.#options = options;
    this.#root = root;
    this.#intermediate = intermediate;
  }

  static async create(options: FulcioCaOptions): Promise<FulcioCa> {
    const now = options.now();
    const notBefore = new Date(now.getTime() - 60_000);
    const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
    const rootKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'O=sigstore.local, CN=sigstore',
      notBefore,
      notAfter,
      keys: rootKeys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const intermediateKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const intermediateCert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: 'O=sigstore.local, CN=sigstore-intermediate',
      issuer: rootCert.subject,
      notBefore,
      notAfter,
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
        await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(rootCert, false),
      ],
    });
    return new FulcioCa(
      options,
      { cert: rootCert, keys: rootKeys },
      { cert: intermediateCert, keys: intermediateKeys },
    );
  }

  /** The chain a trusted root names: intermediate, then root (PEM). */
  chainPem(): string[] {
    return [this.#intermediate.cert.toString('pem'), this.#root.cert.toString('pem')];
  }

  /** DER of the intermediate, then the root (what a trusted root's `certChain` holds). */
  chainDer(): Buffer[] {
    return [Buffer.from(this.#intermediate.cert.rawData), Buffer.from(this.#root.cert.rawData)];
  }

  get validFrom(): Date {
    return this.#root.cert.notBefore;
  }

  async createSigningCertificate(request: SigningCertRequest): Promise<SigningCertResponse> {
    const token = request.credentials?.oidcIdentityToken;
    if (typeof token !== 'string' || token === '') {
      throw new FulcioError(FULCIO_MESSAGES.invalidIdentityToken, 'no credentials.oidcIdentityToken');
    }
    const claims = await this.#verifyToken(token);
    const publicKey = this.#publicKey(request);
    const proof = request.publicKeyRequest?.proofOfPossession;
    const sub = claims.sub;
    if (
      typeof proof !== 'string' ||
      typeof sub !== 'string' ||
      !verify('sha256', Buffer.from(sub, 'utf8'), publicKey, Buffer.from(proof, 'base64'))
    ) {
      throw new FulcioError(FULCIO_MESSAGES.invalidSignature, 'the proof of possession is not a signature of sub');
    }
    let identity: GithubIdentity;
    try {
      identity = githubIdentity(this.#options.issuer, githubWorkflowClaims(claims), this.#serverUrl());
    } catch (error) {
      throw new FulcioError(FULCIO_MESSAGES.invalidIdentityToken, (error as Error).message);
    }
    const leafPem = await this.#issueLeaf(publicKey, identity);
    return { signedCertificateEmbeddedSct: { chain: { certificates: [leafPem, ...this.chainPem()] } } };
  }

  #serverUrl(): string {
    return this.#options.serverUrl ?? 'https://github.com';
  }

  async #verifyToken(token: string): Promise<JWTPayload> {
    const audience = this.#options.audience ?? 'sigstore';
    try {
      const jwks = createLocalJWKSet(await this.#options.jwks());
      const { payload } = await jwtVerify(token, jwks, {
        issuer: this.#options.issuer,
        audience,
        algorithms: ['RS256'],
        currentDate: this.#options.now(),
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      return payload;
    } catch (error) {
      throw new FulcioError(FULCIO_MESSAGES.invalidIdentityToken, (error as Error).message);
    }
  }

  #publicKey(request: SigningCertRequest): KeyObject {
    const content = request.publicKeyRequest?.publicKey?.content;
    if (typeof content !== 'string') throw new FulcioError(FULCIO_MESSAGES.invalidPublicKey, 'no public key');
    let key: KeyObject;
    try {
      key = createPublicKey(content);
    } catch (error) {
      throw new FulcioError(FULCIO_MESSAGES.invalidPublicKey, (error as Error).message);
    }
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'secp384r1')) {
      throw new FulcioError(FULCIO_MESSAGES.insecurePublicKey, `key type ${key.asymmetricKeyType} ${curve ?? ''}`);
    }
    return key;
  }

  async #issueLeaf(publicKey: KeyObject, identity: GithubIdentity): Promise<string> {
    const now = this.#options.now();
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const leafKey = await webcrypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'verify',
    ]);
    const base = {
      serialNumber: serial(),
      subject: '',
      issuer: this.#intermediate.cert.subject,
      notBefore: now,
      notAfter: new Date(now.getTime() + LEAF_LIFETIME_MS),
      publicKey: leafKey,
      signingKey: this.#intermediate.keys.privateKey,
      signingAlgorithm: ALG,
    };
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      await x509.SubjectKeyIdentifierExtension.create(leafKey),
      await x509.AuthorityKeyIdentifierExtension.create(this.#intermediate.cert, false),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: identity.san }], true),
      ...identity.extensions.map((e) => new x509.Extension(e.oid, false, e.value)),
    ];
    // The precertificate: the same TBSCertificate without the SCT extension (RFC 6962 3.2).
    const precert = await x509.X509CertificateGenerator.create({ ...base, extensions });
    const issuerSpki = await spkiDer(this.#intermediate.keys.publicKey);
    const sct = this.#options.ctLog.signPrecertificate(issuerSpki, tbsCertificate(Buffer.from(precert.rawData)));
    const sctExtension = new x509.Extension(SCT_EXTENSION_OID, false, derOctetString(CtLog.sctList([sct])));
    const leaf = await x509.X509CertificateGenerator.create({ ...base, extensions: [...extensions, sctExtension] });
    return leaf.toString('pem');
  }
}
