// Reads the GitHub identity out of a verified signer (what @sigstore/verify returns after it has
// checked the chain, SCT, log entry and signature): the SAN and Fulcio's extensions by OID. The
// extensions from 1.3.6.1.4.1.57264.1.8 on hold a DER UTF8String; this unwraps it.
import type { Signer } from '@sigstore/verify';

export const OID = {
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const;

export interface GithubCertificateIdentity {
  san: string;
  issuer: string;
  buildSignerUri: string;
  sourceRepositoryUri: string;
  sourceRepositoryDigest: string;
  sourceRepositoryRef: string;
  buildTrigger: string;
  runInvocationUri: string;
}

function utf8String(value: Buffer): string {
  if (value[0] !== 0x0c) return value.toString('utf8');
  const first = value[1] ?? 0;
  if (first < 0x80) return value.subarray(2, 2 + first).toString('utf8');
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (value[2 + i] ?? 0);
  return value.subarray(2 + count, 2 + count + length).toString('utf8');
}

export function certificateIdentity(signer: Signer): GithubCertificateIdentity {
  const oids = signer.identity?.oids ?? [];
  const read = (oid: string): string => {
    const found = oids.find((o) => o.oid?.id.join('.') === oid);
    return found ? utf8String(Buffer.from(found.value)) : '';
  };
  return {
    san: signer.identity?.subjectAlternativeName ?? '',
    issuer: read(OID.issuer),
    buildSignerUri: read(OID.buildSignerUri),
    sourceRepositoryUri: read(OID.sourceRepositoryUri),
    sourceRepositoryDigest: read(OID.sourceRepositoryDigest),
    sourceRepositoryRef: read(OID.sourceRepositoryRef),
    buildTrigger: read(OID.buildTrigger),
    runInvocationUri: read(OID.runInvocationUri),
  };
}
