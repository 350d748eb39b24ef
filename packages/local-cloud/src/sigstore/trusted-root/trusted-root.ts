// The trusted root (Sigstore's TrustedRoot, media type v0.1) naming the local Fulcio CA chain, the
// Rekor log key and the CT log key, as the public-good instance's trusted_root.json does. Verifiers
// load it with @sigstore/protobuf-specs' TrustedRoot.fromJSON and @sigstore/verify's toTrustMaterial.

export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

export interface TrustedRootJson {
  mediaType: string;
  tlogs: TransparencyLogInstanceJson[];
  certificateAuthorities: {
    subject: { organization: string; commonName: string };
    uri: string;
    certChain: { certificates: { rawBytes: string }[] };
    validFor: { start: string };
  }[];
  ctlogs: TransparencyLogInstanceJson[];
  timestampAuthorities: never[];
}

export interface TransparencyLogInstanceJson {
  baseUrl: string;
  hashAlgorithm: 'SHA2_256';
  publicKey: { rawBytes: string; keyDetails: 'PKIX_ECDSA_P256_SHA_256'; validFor: { start: string } };
  logId: { keyId: string };
}

export interface TrustedRootParts {
  fulcio: { url: string; chainDer: Buffer[]; validFrom: Date };
  rekor: { url: string; publicKeyDer: Buffer; logId: Buffer; validFrom: Date };
  ctLog: { url: string; publicKeyDer: Buffer; logId: Buffer; validFrom: Date };
}

function logInstance(log: TrustedRootParts['rekor']): TransparencyLogInstanceJson {
  return {
    baseUrl: log.url,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: log.publicKeyDer.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: log.validFrom.toISOString() },
    },
    logId: { keyId: log.logId.toString('base64') },
  };
}

export function trustedRoot(parts: TrustedRootParts): TrustedRootJson {
  return {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [logInstance(parts.rekor)],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.local', commonName: 'sigstore' },
        uri: parts.fulcio.url,
        certChain: { certificates: parts.fulcio.chainDer.map((der) => ({ rawBytes: der.toString('base64') })) },
        validFor: { start: parts.fulcio.validFrom.toISOString() },
      },
    ],
    ctlogs: [logInstance(parts.ctLog)],
    timestampAuthorities: [],
  };
}
