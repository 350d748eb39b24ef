import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '@bakeline/action-io';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLIC_GOOD, readAttestInputs } from './attest-inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'ecr-push-attest-'));
const sbom = join(dir, 'sbom.cdx.json');
writeFileSync(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6' }));
const result = join(dir, 'junit.test-result.json');
writeFileSync(result, JSON.stringify({ result: 'PASSED', passedTests: ['health'] }));
const notSbom = join(dir, 'other.json');
writeFileSync(notSbom, JSON.stringify({ spdxVersion: 'SPDX-2.3' }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/t', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' };
const JAR = `pkg:maven/dev.bakeline/licensing-service@1.0.0?type=jar@sha256:${'a'.repeat(64)}`;
const read = (values: Record<string, string>, env: Record<string, string> = OIDC) =>
  readAttestInputs(new InputReader((name) => values[name]), { ...env, GITHUB_WORKSPACE: dir });

describe('ecr-push attestation inputs', () => {
  it('reads nothing to sign when attest is false', () => {
    expect(read({})).toBeUndefined();
  });

  it('refuses an attestation input without attest: true, naming it', () => {
    expect(() => read({ 'sbom-path': sbom })).toThrow(/Input 'sbom-path'.*is set but 'attest' is false/);
  });

  it('refuses attest: true in a job that cannot request an OIDC token, before anything is pushed', () => {
    expect(() => read({ attest: 'true' }, {})).toThrow(/Input 'attest'.*id-token: write/);
  });

  it('reads the SBOM, the test result and the materials (the URI is all before the last @sha256:)', () => {
    const inputs = read({ attest: 'true', 'sbom-path': sbom, 'test-result-path': result, materials: JAR });
    expect(inputs?.sbom).toEqual({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(inputs?.testResult?.result).toBe('PASSED');
    expect(inputs?.materials).toEqual([
      { uri: 'pkg:maven/dev.bakeline/licensing-service@1.0.0?type=jar', digest: { sha256: 'a'.repeat(64) } },
    ]);
    expect(inputs?.sigstore).toEqual(PUBLIC_GOOD);
    expect(read({ attest: 'true', 'sigstore-endpoint': 'http://127.0.0.1:4000' })?.sigstore).toEqual({
      fulcioUrl: 'http://127.0.0.1:4000',
      rekorUrl: 'http://127.0.0.1:4000',
    });
  });

  it.each([
    [
      'materials',
      'registry/base:latest',
      /Input 'materials'.*'registry\/base:latest'.*<uri>@sha256:<64 lowercase hex>/,
    ],
    ['sbom-path', notSbom, /Input 'sbom-path'.*not a CycloneDX JSON document/],
    ['test-result-path', notSbom, /Input 'test-result-path'.*not an in-toto test-result predicate/],
    ['sigstore-endpoint', 'fulcio', /Input 'sigstore-endpoint'.*expected http\(s\):\/\/host\[:port\]/],
  ])('refuses a bad %s, naming the input and the value', (name, value, message) => {
    expect(() => read({ attest: 'true', [name]: value })).toThrow(message);
  });
});
