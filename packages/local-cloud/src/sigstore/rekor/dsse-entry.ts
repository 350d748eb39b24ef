// Rekor's `dsse` entry type, v0.0.1: the proposed entry (a DSSE envelope and the PEM certificates
// or keys that verify it) is checked as Rekor checks it (every signature must verify under one of
// the verifiers, over the DSSE pre-authentication encoding), then canonicalized into the body
// Rekor stores: the envelope's and payload's SHA-256 and the signatures with their verifiers.
import { createHash, createPublicKey, type KeyObject, verify, X509Certificate } from 'node:crypto';

export class RekorEntryError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface DsseBody {
  apiVersion: '0.0.1';
  kind: 'dsse';
  spec: {
    envelopeHash: { algorithm: 'sha256'; value: string };
    payloadHash: { algorithm: 'sha256'; value: string };
    signatures: { signature: string; verifier: string }[];
  };
}

interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: { sig: Buffer; keyid?: string }[];
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** DSSE v1 pre-authentication encoding. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

function bad(message: string): RekorEntryError {
  return new RekorEntryError(400, message);
}

function parseEnvelope(text: unknown): Envelope {
  if (typeof text !== 'string') throw bad('validation failure: spec.proposedContent.envelope is required');
  let raw: { payloadType?: unknown; payload?: unknown; signatures?: unknown };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch {
    throw bad('validation failure: envelope is not valid JSON');
  }
  if (typeof raw.payloadType !== 'string' || typeof raw.payload !== 'string' || !Array.isArray(raw.signatures)) {
    throw bad('validation failure: envelope needs payloadType, payload and signatures');
  }
  if (raw.signatures.length === 0) throw bad('validation failure: envelope has no signatures');
  const signatures = raw.signatures.map((s: { sig?: unknown; keyid?: unknown }) => {
    if (typeof s?.sig !== 'string') throw bad('validation failure: a signature has no sig');
    return { sig: Buffer.from(s.sig, 'base64'), ...(typeof s.keyid === 'string' ? { keyid: s.keyid } : {}) };
  });
  return { payloadType: raw.payloadType, payload: Buffer.from(raw.payload, 'base64'), signatures };
}

function verifierKey(encoded: unknown): { pem: string; key: KeyObject } {
  if (typeof encoded !== 'string') throw bad('validation failure: a verifier is not a string');
  const pem = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    const key = pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
    return { pem, key };
  } catch {
    throw bad('validation failure: a verifier is neither a PEM certificate nor a PEM public key');
  }
}

/** Checks a proposed `dsse` v0.0.1 entry and returns the canonical body Rekor would store. */
export function dsseBody(proposed: unknown): DsseBody {
  const entry = proposed as {
    apiVersion?: unknown;
    kind?: unknown;
    spec?: { proposedContent?: { envelope?: unknown; verifiers?: unknown } };
  };
  if (entry?.kind !== 'dsse') throw bad(`entry kind '${String(entry?.kind)}' is not supported; this log takes dsse`);
  if (entry.apiVersion !== '0.0.1') throw bad(`dsse: apiVersion '${String(entry.apiVersion)}' is not supported`);
  const content = entry.spec?.proposedContent;
  const envelopeText = content?.envelope;
  const envelope = parseEnvelope(envelopeText);
  if (!Array.isArray(content?.verifiers) || content.verifiers.length === 0) {
    throw bad('validation failure: spec.proposedContent.verifiers is required');
  }
  const verifiers = content.verifiers.map(verifierKey);
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  const signatures = envelope.signatures.map((s) => {
    const match = verifiers.find((v) => {
      try {
        return verify('sha256', pae, v.key, s.sig);
      } catch {
        return false;
      }
    });
    if (!match) throw bad('validation failure: could not verify envelope signature');
    return { signature: s.sig.toString('base64'), verifier: Buffer.from(match.pem, 'utf8').toString('base64') };
  });
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(envelopeText as string) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(envelope.payload) },
      signatures,
    },
  };
}
