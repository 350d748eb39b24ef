// Signing with the real @sigstore/sign against the local Sigstore (strict Fulcio and Rekor
// stand-ins trusting the local GitHub OIDC issuer), verifying with the real @sigstore/verify and
// the policy: each way an attestation can fail to prove a digest's origin is refused, by name.

import { OidcIssuer, type SigstoreService, startSigstore } from '@bakeline/local-cloud';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttestationPolicy, parsePolicy, refPattern } from './policy.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance } from './predicates/slsa-provenance.ts';
import { TEST_RESULT_V01, testResult } from './predicates/test-result.ts';
import { signStatement } from './sign.ts';
import { statement } from './statement.ts';
import { verifyAttestations } from './verify.ts';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'2'.repeat(64)}`;
const REPO = 'bakeline-dev/licensing-service';
const BUILDER = 'bakeline-dev/bakeline/.github/workflows/build.yml';
const SHA = 'f'.repeat(40);

let oidc: OidcIssuer;
let sigstore: SigstoreService;
let policy: AttestationPolicy;

beforeAll(async () => {
  oidc = await OidcIssuer.create({ issuer: 'https://127.0.0.1:1' });
  sigstore = await startSigstore({ oidcIssuer: oidc.issuer, jwks: async () => oidc.jwks() });
  policy = parsePolicy({ 'signer-workflow': BUILDER, 'source-repository': REPO, issuer: oidc.issuer });
});
afterAll(async () => {
  await sigstore.stop();
});

interface Job {
  repository?: string;
  ref?: string;
  workflow?: string;
}

function provenance(digest: string) {
  return statement(
    { name: 'licensing-service', digest },
    SLSA_PROVENANCE_V1,
    slsaProvenance({
      serverUrl: 'https://github.com',
      repository: REPO,
      sha: SHA,
      ref: 'refs/heads/main',
      workflowPath: '.github/workflows/ci.yml',
      eventName: 'push',
      runId: '7',
      runAttempt: '1',
      jobWorkflowRef: `${BUILDER}@refs/heads/main`,
      materials: [
        { uri: 'pkg:maven/dev.bakeline/licensing-service@1.0.0?type=jar', digest: { sha256: 'a'.repeat(64) } },
      ],
    }),
  );
}

function tests(digest: string, failed: string[] = []) {
  return statement(
    { name: 'licensing-service', digest },
    TEST_RESULT_V01,
    testResult({
      spec: { name: 'platform-test.yaml', sha256: 'b'.repeat(64) },
      passedChecks: ['health', 'version'],
      failedChecks: failed,
      junit: { tests: 12, failures: 0, errors: 0, skipped: 1 },
      url: `https://github.com/${REPO}/actions/runs/7`,
    }),
  );
}

async function sign(s: ReturnType<typeof statement>, job: Job = {}): Promise<SerializedBundle> {
  const repository = job.repository ?? REPO;
  return signStatement(s, {
    fulcioUrl: sigstore.url,
    rekorUrl: sigstore.url,
    token: () =>
      oidc.issue(
        {
          repository,
          ref: job.ref ?? 'refs/heads/main',
          sha: SHA,
          job_workflow_ref: `${job.workflow ?? BUILDER}@refs/heads/main`,
        },
        { audience: 'sigstore' },
      ),
  });
}

const verify = (bundles: SerializedBundle[], digest = DIGEST) =>
  verifyAttestations({ digest, bundles, trustedRoot: sigstore.trustedRoot(), policy });

describe('verifyAttestations with the real @sigstore/verify', () => {
  it('accepts provenance and a passing test result signed by the builder from main', async () => {
    const report = verify([await sign(provenance(DIGEST)), await sign(tests(DIGEST))]);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.verified.map((v) => v.predicateType)).toEqual([SLSA_PROVENANCE_V1, TEST_RESULT_V01]);
    expect(report.verified[0]?.signer).toBe(`https://github.com/${BUILDER}@refs/heads/main`);
  });

  it('refuses a digest without attestations, naming each missing predicate type', () => {
    const report = verify([]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      `no valid ${SLSA_PROVENANCE_V1} attestation for ${DIGEST}`,
      `no valid ${TEST_RESULT_V01} attestation for ${DIGEST}`,
    ]);
  });

  it.each([
    [
      'a workflow of another repository',
      { repository: 'attacker/fork' },
      /built from repository 'https:\/\/github.com\/attacker\/fork'/,
    ],
    [
      'a branch the policy does not allow',
      { ref: 'refs/heads/feature' },
      /built from ref 'refs\/heads\/feature', which matches none/,
    ],
    ['another signer workflow', { workflow: `${REPO}/.github/workflows/hand.yml` }, /signed by workflow .*hand\.yml/],
  ])('refuses provenance signed by %s', async (_name, job, reason) => {
    const report = verify([await sign(provenance(DIGEST), job), await sign(tests(DIGEST))]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(reason);
    expect(report.problems).toContain(`no valid ${SLSA_PROVENANCE_V1} attestation for ${DIGEST}`);
  });

  it('refuses an attestation whose subject is another digest', async () => {
    const report = verify([await sign(provenance(OTHER_DIGEST)), await sign(tests(DIGEST))]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toContain(`its subject is ${OTHER_DIGEST}, not ${DIGEST}`);
  });

  it('refuses a statement with one byte changed', async () => {
    const bundle = await sign(provenance(DIGEST));
    const envelope = bundle.dsseEnvelope;
    if (!envelope) throw new Error('no envelope');
    const payload = Buffer.from(envelope.payload, 'base64');
    const at = payload.indexOf('/attempts/');
    expect(at).toBeGreaterThan(0);
    payload[at + 1] = 'A'.charCodeAt(0);
    envelope.payload = payload.toString('base64');
    const report = verify([bundle, await sign(tests(DIGEST))]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(
      /attestation 1 \(https:\/\/slsa.dev\/provenance\/v1\): .*(signature verification failed|payload hash mismatch)/,
    );
  });

  it('refuses a bundle whose signed entry timestamp or inclusion proof does not verify', async () => {
    await sign(tests(DIGEST));
    const badSet = await sign(provenance(DIGEST));
    const promise = badSet.verificationMaterial.tlogEntries[0]?.inclusionPromise;
    if (!promise) throw new Error('no SET');
    const set = Buffer.from(promise.signedEntryTimestamp, 'base64');
    set[10] = (set[10] ?? 0) ^ 0xff;
    promise.signedEntryTimestamp = set.toString('base64');
    const badProof = await sign(provenance(DIGEST));
    const proof = badProof.verificationMaterial.tlogEntries[0]?.inclusionProof;
    if (!proof?.hashes[0]) throw new Error('no inclusion proof hashes');
    const hash = Buffer.from(proof.hashes[0], 'base64');
    hash[0] = (hash[0] ?? 0) ^ 1;
    proof.hashes[0] = hash.toString('base64');
    const report = verify([badSet, badProof, await sign(tests(DIGEST))]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/attestation 1 .*inclusion promise could not be verified/);
    expect(report.problems[1]).toMatch(/attestation 2 .*calculated root hash does not match/);
  });

  it('refuses a failing test result', async () => {
    const report = verify([await sign(provenance(DIGEST)), await sign(tests(DIGEST, ['health']))]);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toContain('the test result is FAILED, not PASSED');
  });
});

describe('parsePolicy', () => {
  it.each([
    [{ 'signer-workflow': 'build.yml', 'source-repository': REPO }, /'signer-workflow': got "build.yml"/],
    [{ 'signer-workflow': BUILDER, 'source-repository': 'x' }, /'source-repository': got "x"; expected owner\/name/],
    [{ 'signer-workflow': BUILDER, 'source-repository': REPO, refs: ['main'] }, /'refs': got \["main"\]/],
    [
      { 'signer-workflow': BUILDER, 'source-repository': REPO, branch: 'main' },
      /'branch': got "main"; expected one of/,
    ],
  ])('names the wrong field: %j', (doc, message) => {
    expect(() => parsePolicy(doc)).toThrow(message);
  });
});

describe('refPattern', () => {
  it.each([
    ['refs/heads/main', 'refs/heads/main', true],
    ['refs/heads/main', 'refs/heads/mainx', false],
    ['refs/tags/v*', 'refs/tags/v1.2.0', true],
    ['refs/tags/v*', 'refs/tags/v1/x', false],
    ['refs/heads/release/**', 'refs/heads/release/1/x', true],
    ['refs/heads/a.b', 'refs/heads/aXb', false],
  ])('%s matches %s: %s', (glob, ref, expected) => {
    expect(refPattern(glob).test(ref)).toBe(expected);
  });
});
