// in-toto Statement v1 (https://in-toto.io/Statement/v1): the subject is the image, named by its
// digest; the predicate says what is claimed about it. Serialized once, signed as those bytes.

export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface Statement<P = unknown> {
  _type: typeof IN_TOTO_STATEMENT;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: P;
}

/** `sha256:<64 hex>` -> its hex, or an error naming the value. */
export function digestHex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m?.[1]) throw new Error(`image digest: got '${digest}'; expected sha256:<64 lowercase hex>`);
  return m[1];
}

export function statement<P>(subject: { name: string; digest: string }, predicateType: string, predicate: P) {
  const result: Statement<P> = {
    _type: IN_TOTO_STATEMENT,
    subject: [{ name: subject.name, digest: { sha256: digestHex(subject.digest) } }],
    predicateType,
    predicate,
  };
  return result;
}

/** Parses a DSSE payload as an in-toto statement v1, or says what is wrong with it. */
export function parseStatement(payload: Buffer): Statement {
  let doc: Partial<Statement>;
  try {
    doc = JSON.parse(payload.toString('utf8')) as Partial<Statement>;
  } catch {
    throw new Error('the DSSE payload is not JSON');
  }
  if (doc._type !== IN_TOTO_STATEMENT) throw new Error(`statement _type '${String(doc._type)}' is not in-toto v1`);
  if (!Array.isArray(doc.subject) || typeof doc.predicateType !== 'string') {
    throw new Error('the statement has no subject or predicateType');
  }
  return doc as Statement;
}
