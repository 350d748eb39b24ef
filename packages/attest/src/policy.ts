// The verification policy eks-promote applies to a digest's attestations: who must have signed
// (the reusable workflow, by path; any ref of it unless one is named), for which source
// repository, from which refs (a glob over the full ref: `refs/heads/main`, `refs/tags/v*`), the
// OIDC issuer of the certificates, and which predicate types must be present and valid.
import { CYCLONEDX_PREDICATE } from './predicates/sbom.ts';
import { SLSA_PROVENANCE_V1 } from './predicates/slsa-provenance.ts';
import { TEST_RESULT_V01 } from './predicates/test-result.ts';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

export interface AttestationPolicy {
  /** `owner/repo/.github/workflows/build.yml`, optionally `@<ref>`. */
  signerWorkflow: string;
  /** `owner/name` the build's source must come from. */
  sourceRepository: string;
  /** Globs over the source ref (`*` matches within a path segment, `**` across). */
  refPatterns: string[];
  /** `iss` of the certificate's identity (GitHub Actions on github.com by default). */
  issuer: string;
  /** Base of the URIs in the certificates (default https://github.com). */
  serverUrl: string;
  requiredPredicateTypes: string[];
}

export const DEFAULT_PREDICATE_TYPES = [SLSA_PROVENANCE_V1, TEST_RESULT_V01];
export const KNOWN_PREDICATE_TYPES = [SLSA_PROVENANCE_V1, TEST_RESULT_V01, CYCLONEDX_PREDICATE];

/** A glob over a ref as a RegExp: `*` is any run of characters but `/`, `**` any run at all. */
export function refPattern(glob: string): RegExp {
  const toRegex = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**').map(toRegex).join('.*')}$`);
}

function fail(field: string, value: unknown, expected: string): never {
  throw new Error(`policy: '${field}': got ${JSON.stringify(value)}; expected ${expected}`);
}

/**
 * Reads a policy from its JSON form (`signer-workflow`, `source-repository`, `refs`,
 * `predicate-types`, `issuer`, `server-url`), every field checked and named when wrong.
 * `defaults` fills what the document leaves out.
 */
export function parsePolicy(doc: unknown, defaults: Partial<AttestationPolicy> = {}): AttestationPolicy {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('(policy)', doc, 'an object');
  const raw = doc as Record<string, unknown>;
  const known = ['signer-workflow', 'source-repository', 'refs', 'predicate-types', 'issuer', 'server-url'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) fail(key, raw[key], `one of ${known.join(', ')}`);
  const signerWorkflow = raw['signer-workflow'] ?? defaults.signerWorkflow;
  if (
    typeof signerWorkflow !== 'string' ||
    !/^[^/\s]+\/[^/\s]+\/\.github\/workflows\/[^@\s]+\.ya?ml(@\S+)?$/.test(signerWorkflow)
  ) {
    fail('signer-workflow', signerWorkflow, 'owner/repo/.github/workflows/<file>.yml[@ref]');
  }
  const sourceRepository = raw['source-repository'] ?? defaults.sourceRepository;
  if (typeof sourceRepository !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(sourceRepository)) {
    fail('source-repository', sourceRepository, 'owner/name');
  }
  const refs = raw.refs ?? defaults.refPatterns ?? ['refs/heads/main'];
  if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === 'string' && r.startsWith('refs/'))) {
    fail('refs', refs, 'a non-empty list of globs over full refs (refs/heads/main, refs/tags/v*)');
  }
  const types = raw['predicate-types'] ?? defaults.requiredPredicateTypes ?? DEFAULT_PREDICATE_TYPES;
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && /^https?:\/\//.test(t))) {
    fail('predicate-types', types, 'a list of predicate type URIs');
  }
  const issuer = raw.issuer ?? defaults.issuer ?? GITHUB_ACTIONS_ISSUER;
  if (typeof issuer !== 'string' || !/^https:\/\//.test(issuer)) fail('issuer', issuer, 'an https URL');
  const serverUrl = raw['server-url'] ?? defaults.serverUrl ?? 'https://github.com';
  if (typeof serverUrl !== 'string' || !/^https?:\/\//.test(serverUrl)) fail('server-url', serverUrl, 'a URL');
  return {
    signerWorkflow,
    sourceRepository,
    refPatterns: refs as string[],
    issuer,
    serverUrl: serverUrl.replace(/\/$/, ''),
    requiredPredicateTypes: types as string[],
  };
}
