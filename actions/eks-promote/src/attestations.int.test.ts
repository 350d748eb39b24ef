// Acceptance of the attestation gate, run as the runner runs eks-promote (the bundled dist/
// through the harness) against the local cloud: with verify-attestations: enforce, each digest
// that cannot prove its origin is refused with the reason, and the cluster sees no write.
// Attestations are signed with the real @sigstore/sign against the local cloud's Sigstore and
// stored as OCI referrers in the local ECR.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type OciRepository,
  pushReferrer,
  SLSA_PROVENANCE_V1,
  signStatement,
  slsaProvenance,
  statement,
  subjectDescriptor,
  TEST_RESULT_V01,
  testResult,
} from '@bakeline/attest';
import type { KubeCloudAdmin, LocalCloud } from '@bakeline/local-cloud';
import { runBundledAction } from '@bakeline/test/harness';
import {
  EXAMPLE_BUILDER as BUILDER,
  examplePassedTest,
  exampleProvenance,
  kubeOf,
  promotionRun,
  pushConfigOnlyImage,
  pushRoleRepository,
  startTestCloud,
} from '@bakeline/test-fixtures';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const REPO = 'ostock/licensing-service';
const SHA = '0123abc4567def890123abc4567def890123abcd';
let cloud: LocalCloud;
let kube: KubeCloudAdmin;
let workspace: string;
let repo: OciRepository;
let trustedRootPath: string;

/** A one-config image (never run: every case is refused before the cluster is written). */
const pushImage = (seed: string) => pushConfigOnlyImage(cloud, repo, seed);

function token(claims: { repository?: string; ref?: string } = {}) {
  return () =>
    cloud.admin.issueIdToken(
      {
        repository: claims.repository ?? cloud.endpoints.githubRepository,
        ref: claims.ref ?? 'refs/heads/main',
        sha: SHA,
        job_workflow_ref: `${BUILDER}@refs/heads/main`,
      },
      { audience: 'sigstore' },
    );
}

async function attest(
  digest: string,
  options: {
    subject?: string;
    claims?: { repository?: string; ref?: string };
    tamper?: (b: SerializedBundle) => void;
  } = {},
): Promise<void> {
  const sigstore = cloud.endpoints.sigstore;
  if (!sigstore) throw new Error('no local Sigstore');
  const subject = { name: `${repo.registry}/${REPO}`, digest: options.subject ?? digest };
  const statements = [
    statement(subject, SLSA_PROVENANCE_V1, slsaProvenance(exampleProvenance(cloud.endpoints.githubRepository, SHA))),
    statement({ ...subject, digest }, TEST_RESULT_V01, testResult(examplePassedTest())),
  ];
  const image = await subjectDescriptor(repo, digest);
  for (const [i, s] of statements.entries()) {
    const bundle = await signStatement(s, {
      fulcioUrl: sigstore.url,
      rekorUrl: sigstore.url,
      token: i === 0 && options.claims ? token(options.claims) : token(),
    });
    if (i === 0) options.tamper?.(bundle);
    await pushReferrer(repo, bundle, image, s.predicateType);
  }
}

function promotion(image: string) {
  return promotionRun(cloud, {
    workspace,
    sha: SHA,
    runId: '77',
    environment: 'dev',
    workload: 'licensing-service',
    inputs: {
      'ecr-endpoint': cloud.endpoints.ecr,
      image: `${cloud.endpoints.registry.host}/${REPO}@${image}`,
      'verify-attestations': 'enforce',
      'trusted-root': trustedRootPath,
      'attestation-policy': JSON.stringify({ 'signer-workflow': BUILDER, issuer: cloud.endpoints.oidc.issuer }),
    },
  });
}

beforeAll(async () => {
  // the roles, repository and access entries terraform apply of the example creates
  cloud = await startTestCloud({ pipelineIam: 'terraform-snapshot' });
  kube = kubeOf(cloud).admin;
  workspace = mkdtempSync(join(tmpdir(), 'attest-promote-'));
  repo = pushRoleRepository(cloud, REPO, 'attest');
  trustedRootPath = join(workspace, 'trusted_root.json');
  writeFileSync(trustedRootPath, await (await fetch(cloud.endpoints.sigstore?.trustedRoot ?? '')).text());
}, 600_000);

afterAll(async () => {
  await cloud?.stop();
});

const flip = (b: SerializedBundle, mutate: (bytes: Buffer) => void, field: 'payload' | 'set') => {
  if (field === 'payload' && b.dsseEnvelope) {
    const bytes = Buffer.from(b.dsseEnvelope.payload, 'base64');
    mutate(bytes);
    b.dsseEnvelope.payload = bytes.toString('base64');
  }
  const promise = b.verificationMaterial.tlogEntries[0]?.inclusionPromise;
  if (field === 'set' && promise) {
    const bytes = Buffer.from(promise.signedEntryTimestamp, 'base64');
    mutate(bytes);
    promise.signedEntryTimestamp = bytes.toString('base64');
  }
};

describe('eks-promote refuses, before any write, a digest that cannot prove its origin', () => {
  test.each([
    [
      'a digest pushed without attestations',
      'bare',
      async (_d: string) => {},
      /no valid https:\/\/slsa\.dev\/provenance\/v1 attestation/,
    ],
    [
      'provenance signed by a workflow of another repository',
      'other-repo',
      (d: string) => attest(d, { claims: { repository: 'attacker/fork' } }),
      /built from repository 'https:\/\/github\.com\/attacker\/fork'/,
    ],
    [
      'provenance signed on a branch not allowed',
      'other-branch',
      (d: string) => attest(d, { claims: { ref: 'refs/heads/feature' } }),
      /built from ref 'refs\/heads\/feature'/,
    ],
    [
      'an attestation whose subject is another digest',
      'other-subject',
      (d: string) => attest(d, { subject: `sha256:${'9'.repeat(64)}` }),
      /its subject is sha256:9{64}/,
    ],
    [
      'a statement with one byte changed',
      'one-byte',
      (d: string) =>
        attest(d, {
          tamper: (b) =>
            flip(
              b,
              (bytes) => {
                const at = bytes.indexOf('/attempts/');
                bytes[at + 1] = 'A'.charCodeAt(0);
              },
              'payload',
            ),
        }),
      /(signature verification failed|payload hash mismatch)/,
    ],
    [
      'a bundle whose signed entry timestamp does not verify',
      'bad-set',
      (d: string) =>
        attest(d, {
          tamper: (b) =>
            flip(
              b,
              (bytes) => {
                bytes[10] = (bytes[10] ?? 0) ^ 0xff;
              },
              'set',
            ),
        }),
      /inclusion promise could not be verified/,
    ],
  ])('%s', async (_name, seed, prepare, reason) => {
    const digest = await pushImage(seed);
    await prepare(digest);
    const started = new Date();
    const result = await runBundledAction('eks-promote', promotion(digest));
    const error = result.annotations.find((a) => a.level === 'error')?.message ?? '';
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).not.toBe(0);
    expect(error).toMatch(/attestations: .* cannot prove its origin: /);
    expect(error).toMatch(reason);
    expect(error).toMatch(/Nothing was changed\.$/);
    const writes = kube.requestLog().filter((r) => r.at >= started && r.method !== 'GET');
    expect(writes).toEqual([]);
  });
});
