// GitHub's artifact attestations REST API for one repository, mounted in the local GitHub API:
// `POST /repos/{owner}/{repo}/attestations` stores a Sigstore bundle (write token required) and
// answers 201 `{id}`; `GET /repos/{owner}/{repo}/attestations/{subject_digest}` lists the bundles
// whose in-toto statement names that digest (`sha256:<hex>`), newest first, filtered by
// `predicate_type`, `per_page` (max 100); 404 when there are none, as api.github.com answers and
// `gh attestation verify` expects. GitHub does not verify the signature at upload: neither does this.
import { DOCS, GithubApiError, validationFailed } from './github-errors.ts';

export const ATTESTATIONS_DOCS = 'https://docs.github.com/rest/repos/attestations';
const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];

export interface StoredAttestation {
  id: number;
  bundle: Record<string, unknown>;
  subjectDigests: string[];
  predicateType: string;
  createdAt: string;
}

function invalid(message: string): GithubApiError {
  return validationFailed([{ resource: 'Attestation', code: 'invalid', field: 'bundle', message }], ATTESTATIONS_DOCS);
}

/** The statement's subject digests (`sha256:<hex>`) and predicate type, or a 422 naming what is wrong. */
function readStatement(bundle: Record<string, unknown>): { subjectDigests: string[]; predicateType: string } {
  if (typeof bundle.mediaType !== 'string' || !BUNDLE_MEDIA_TYPES.includes(bundle.mediaType)) {
    throw invalid(`unsupported bundle mediaType ${JSON.stringify(bundle.mediaType)}`);
  }
  const envelope = bundle.dsseEnvelope as { payloadType?: unknown; payload?: unknown } | undefined;
  if (typeof envelope?.payload !== 'string' || envelope.payloadType !== 'application/vnd.in-toto+json') {
    throw invalid('the bundle holds no in-toto DSSE envelope');
  }
  let statement: { subject?: unknown; predicateType?: unknown };
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as typeof statement;
  } catch {
    throw invalid('the DSSE payload is not JSON');
  }
  if (!Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
    throw invalid('the in-toto statement has no subject or predicateType');
  }
  const subjectDigests = statement.subject.flatMap((s: { digest?: Record<string, unknown> }) =>
    Object.entries(s?.digest ?? {})
      .filter(([, v]) => typeof v === 'string')
      .map(([alg, v]) => `${alg}:${String(v).toLowerCase()}`),
  );
  if (subjectDigests.length === 0) throw invalid('the in-toto statement has no subject digest');
  return { subjectDigests, predicateType: statement.predicateType };
}

export class GithubAttestations {
  readonly #stored: StoredAttestation[] = [];
  readonly #repositoryId: number;
  #ids = 0;

  constructor(options: { repositoryId?: number } = {}) {
    this.#repositoryId = options.repositoryId ?? 1;
  }

  /** What was stored, oldest first (for assertions). */
  all(): StoredAttestation[] {
    return this.#stored.map((a) => ({ ...a }));
  }

  create(body: unknown): { id: number } {
    const bundle = (body as { bundle?: unknown } | null)?.bundle;
    if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
      throw validationFailed([{ resource: 'Attestation', code: 'missing_field', field: 'bundle' }], ATTESTATIONS_DOCS);
    }
    const record = bundle as Record<string, unknown>;
    const { subjectDigests, predicateType } = readStatement(record);
    const id = ++this.#ids;
    this.#stored.push({ id, bundle: record, subjectDigests, predicateType, createdAt: new Date().toISOString() });
    return { id };
  }

  list(subjectDigest: string, query: URLSearchParams, baseUrl: string): unknown {
    if (!/^sha256:[0-9a-f]{64}$/.test(subjectDigest)) throw new GithubApiError(404, 'Not Found', DOCS);
    const perPageText = query.get('per_page') ?? '30';
    const perPage = Number(perPageText);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      throw validationFailed(
        [{ resource: 'Attestation', code: 'invalid', field: 'per_page', message: `got ${perPageText}; 1 to 100` }],
        ATTESTATIONS_DOCS,
      );
    }
    const predicateType = query.get('predicate_type');
    const found = this.#stored
      .filter((a) => a.subjectDigests.includes(subjectDigest))
      .filter((a) => predicateType === null || a.predicateType === predicateType)
      .reverse()
      .slice(0, perPage);
    if (found.length === 0) throw new GithubApiError(404, 'Not Found', DOCS);
    return {
      attestations: found.map((a) => ({
        bundle: a.bundle,
        repository_id: this.#repositoryId,
        bundle_url: `${baseUrl}/attestations/${a.id}/bundle`,
      })),
    };
  }
}
