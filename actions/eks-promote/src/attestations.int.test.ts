// Acceptance of the attestation gate, run as the runner runs eks-promote (the bundled dist/
// through the harness) against the local cloud: with verify-attestations: enforce, each digest
// that cannot prove its origin is refused with the reason, and the cluster sees no write.
// Attestations are signed with the real @sigstore/sign against the local cloud's Sigstore and
// stored as OCI referrers in the local ECR.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
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
import { type KubeCloudAdmin, type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { runBundledAction } from '@bakeline/test/harness';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const REPO = 'ostock/licensing-service';
const BUILDER = 'bakeline-dev/bakeline/.github/workflows/build.yml';
const SHA = '0123abc4567def890123abc4567def890123abcd';
let cloud: LocalCloud;
let kube: KubeCloudAdmin;
let kubeEndpoints: { clusterName: string; kubeconfig: string; eks: string };
let workspace: string;
let repo: OciRepository;
let trustedRootPath: string;

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function registryPut(path: string, body: Buffer, contentType?: string): Promise<void> {
  const base = `${cloud.endpoints.registry.url}/v2/${REPO}`;
  const authorization = `Basic ${Buffer.from(`AWS:${repo.credentials?.password}`).toString('base64')}`;
  let url = `${base}${path}`;
  if (path === '/blobs') {
    const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
    const location = new URL(start.headers.get('location') ?? '', cloud.endpoints.registry.url);
    location.searchParams.set('digest', sha256(body));
    url = location.toString();
  }
  const res = await fetch(url, {
    method: 'PUT',
    headers: { authorization, ...(contentType ? { 'content-type': contentType } : {}) },
    body: new Uint8Array(body),
  });
  expect(res.status, await res.text()).toBe(201);
}

/** A one-config image (never run: every case is refused before the cluster is written). */
async function pushImage(seed: string): Promise<string> {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, seed }),
  );
  await registryPut('/blobs', config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  await registryPut(`/manifests/${seed}`, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return sha256(manifest);
}

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
    statement(
      subject,
      SLSA_PROVENANCE_V1,
      slsaProvenance({
        serverUrl: 'https://github.com',
        repository: cloud.endpoints.githubRepository,
        sha: SHA,
        ref: 'refs/heads/main',
        workflowPath: '.github/workflows/ci.yml',
        eventName: 'push',
        runId: '1',
        runAttempt: '1',
        jobWorkflowRef: `${BUILDER}@refs/heads/main`,
        materials: [],
      }),
    ),
    statement(
      { ...subject, digest },
      TEST_RESULT_V01,
      testResult({
        spec: { name: 'platform-test.yaml', sha256: 'c'.repeat(64) },
        passedChecks: ['health'],
        failedChecks: [],
        junit: { tests: 3, failures: 0, errors: 0, skipped: 0 },
        url: 'https://github.com/x/y/actions/runs/1',
      }),
    ),
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
  const grant = cloud.admin.grantIdToken({ environment: 'dev' });
  return {
    workspace,
    github: { sha: SHA, ref: 'refs/heads/main', repository: cloud.endpoints.githubRepository, runId: '77' },
    inputs: {
      'cluster-name': kubeEndpoints.clusterName,
      region: cloud.endpoints.region,
      'role-to-assume': cloud.endpoints.roles['bakeline-deploy-dev'] ?? '',
      'eks-endpoint': kubeEndpoints.eks,
      'sts-endpoint': cloud.endpoints.sts,
      'ecr-endpoint': cloud.endpoints.ecr,
      namespace: 'dev',
      workload: 'licensing-service',
      environment: 'dev',
      'manifests-from': 'workspace',
      image: `${cloud.endpoints.registry.host}/${REPO}@${image}`,
      'verify-attestations': 'enforce',
      'trusted-root': trustedRootPath,
      'attestation-policy': JSON.stringify({ 'signer-workflow': BUILDER, issuer: cloud.endpoints.oidc.issuer }),
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 240_000,
  };
}

beforeAll(async () => {
  cloud = await startLocalCloud({ log: () => {} });
  kube = cloud.admin.kube as KubeCloudAdmin;
  kubeEndpoints = cloud.endpoints.kube as typeof kubeEndpoints;
  workspace = mkdtempSync(join(tmpdir(), 'attest-promote-'));
  const credentials = cloud.admin.roleCredentials('bakeline-ecr-push', { sessionName: 'attest' });
  const ecr = new ECRClient({
    region: cloud.endpoints.region,
    endpoint: cloud.endpoints.ecr,
    credentials,
    maxAttempts: 1,
  });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }));
  repo = {
    registry: cloud.endpoints.registry.host,
    repository: REPO,
    credentials: { username: 'AWS', password: cloud.admin.registryPassword(credentials.accessKeyId) },
  };
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
