// The attestation inputs of ecr-push (`attest`, `sbom-path`, `test-result-path`, `materials`,
// `sigstore-endpoint`, `github-token`), validated with the other inputs before anything is pushed.
// With `attest: true` the job must be able to request an OIDC token (`permissions: id-token: write`).
import { readFileSync } from 'node:fs';
import type { InputReader } from '@bakeline/action-io';
import type { TestResultPredicate } from '@bakeline/attest/test-result';
import { InputError } from '@bakeline/toolkit';

export const PUBLIC_GOOD = { fulcioUrl: 'https://fulcio.sigstore.dev', rekorUrl: 'https://rekor.sigstore.dev' };

export interface AttestInputs {
  sbom: unknown;
  testResult: TestResultPredicate | undefined;
  materials: { uri: string; digest: { sha256: string } }[];
  sigstore: { fulcioUrl: string; rekorUrl: string };
  githubToken: string | undefined;
  idTokenRequest: { requestUrl: string; requestToken: string };
}

function readJson(reader: InputReader, name: string, env: Record<string, string | undefined>): unknown {
  const path = reader.getPath(name, {
    mustExist: 'file',
    allowOutsideWorkspace: true,
    ...(env.GITHUB_WORKSPACE ? { workspace: env.GITHUB_WORKSPACE } : {}),
  });
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(name, `got '${path}'; expected a JSON file (${(error as Error).message})`);
  }
}

/** `<uri>@sha256:<64 hex>` per line: the URI is all before the last `@sha256:`. */
export function parseMaterial(line: string): { uri: string; digest: { sha256: string } } {
  const m = /^(\S+)@sha256:([0-9a-f]{64})$/.exec(line.trim());
  if (!m?.[1] || !m[2]) {
    throw new InputError('materials', `got '${line}'; expected one <uri>@sha256:<64 lowercase hex> a line`);
  }
  return { uri: m[1], digest: { sha256: m[2] } };
}

/** undefined when `attest` is false (and then no other attestation input may be set). */
export function readAttestInputs(
  reader: InputReader,
  env: Record<string, string | undefined>,
): AttestInputs | undefined {
  const attest = reader.getBoolean('attest', { default: false });
  if (!attest) {
    for (const name of ['sbom-path', 'test-result-path', 'materials', 'sigstore-endpoint']) {
      if (reader.getOptionalString(name) !== undefined) throw new InputError(name, "is set but 'attest' is false");
    }
    return undefined;
  }
  const sbom = readJson(reader, 'sbom-path', env);
  if (sbom !== undefined) {
    const doc = sbom as { bomFormat?: unknown };
    if (doc?.bomFormat !== 'CycloneDX') throw new InputError('sbom-path', 'is not a CycloneDX JSON document');
  }
  const testResult = readJson(reader, 'test-result-path', env) as TestResultPredicate | undefined;
  if (testResult !== undefined && !['PASSED', 'WARNED', 'FAILED'].includes(String(testResult?.result))) {
    throw new InputError(
      'test-result-path',
      'is not an in-toto test-result predicate (result PASSED, WARNED or FAILED); platform-test writes one',
    );
  }
  const materials = reader.getList('materials', { separator: 'newline' }).map(parseMaterial);
  const endpoint = reader.getEndpoint('sigstore-endpoint');
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
  if (!requestUrl || !requestToken) {
    throw new InputError(
      'attest',
      "is true but the job cannot request an OIDC token; give the job 'permissions: id-token: write' (and 'attestations: write')",
    );
  }
  return {
    sbom,
    testResult,
    materials,
    sigstore: endpoint ? { fulcioUrl: endpoint, rekorUrl: endpoint } : PUBLIC_GOOD,
    githubToken: reader.getOptionalString('github-token'),
    idTokenRequest: { requestUrl, requestToken },
  };
}
