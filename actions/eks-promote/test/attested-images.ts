// Signs images for eks-promote tests as build.yml's publish job does (packages/attest's
// attestImage: SLSA provenance from the job's token claims and a passing platform-test result,
// keyless with the local cloud's Fulcio and Rekor, stored as OCI referrers in the local ECR), and
// the inputs that make eks-promote verify them (enforce, the local trusted root, a policy naming
// bakeline's build.yml and the local OIDC issuer).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestImage } from '@bakeline/attest';
import type { LocalCloud } from '@bakeline/local-cloud';
import { parseReference } from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';

export const BUILDER = 'bakeline-dev/bakeline/.github/workflows/build.yml';
export const BUILD_SHA = '0123abc4567def890123abc4567def890123abcd';

/** Signs provenance and a passing test result about `image` (`registry/repo@sha256:...`). */
export async function attestTestImage(cloud: LocalCloud, image: string): Promise<void> {
  const ref = parseReference(image);
  if (!ref.digest) throw new Error(`attestTestImage: '${image}' is not pinned by digest`);
  // the referrers go up as the account's IAM user: Terraform's push role may push only to the example's repository
  const pusher = cloud.endpoints.credentials;
  const token = () =>
    cloud.admin.issueIdToken(
      {
        repository: cloud.endpoints.githubRepository,
        ref: 'refs/heads/main',
        sha: BUILD_SHA,
        job_workflow_ref: `${BUILDER}@refs/heads/main`,
        workflow_ref: `${cloud.endpoints.githubRepository}/.github/workflows/build.yml@refs/heads/main`,
        event_name: 'push',
      },
      { audience: 'sigstore' },
    );
  await attestImage({
    image: { name: `${ref.registry}/${ref.repository}`, digest: ref.digest },
    registry: {
      registry: ref.registry,
      repository: ref.repository,
      credentials: { username: 'AWS', password: cloud.admin.registryPassword(pusher.accessKeyId) },
    },
    idToken: token,
    sigstore: { fulcioUrl: cloud.endpoints.sigstore.url, rekorUrl: cloud.endpoints.sigstore.url },
    github: undefined,
    serverUrl: 'https://github.com',
    materials: [],
    sbom: undefined,
    testResult: {
      result: 'PASSED',
      configuration: [{ name: 'platform-test.yml', digest: { sha256: 'c'.repeat(64) } }],
      url: 'https://github.com/bakeline-dev/licensing-service/actions/runs/1',
      passedTests: ['health'],
      warnedTests: [],
      failedTests: [],
    },
    logger: silentLogger,
  });
}

/**
 * eks-promote's attestation inputs for the local cloud (the trusted root is written into `dir`),
 * with `ecr-endpoint`, through which it logs in to read the referrers.
 */
export async function attestationInputs(cloud: LocalCloud, dir: string): Promise<Record<string, string>> {
  const res = await fetch(cloud.endpoints.sigstore.trustedRoot, { signal: AbortSignal.timeout(30_000) });
  if (res.status !== 200) throw new Error(`trusted root: HTTP ${res.status}`);
  const path = join(dir, 'trusted-root.json');
  writeFileSync(path, await res.text());
  return {
    // the local registry host is no ECR host: eks-promote logs in to it through this endpoint
    'ecr-endpoint': cloud.endpoints.ecr,
    'verify-attestations': 'enforce',
    'trusted-root': path,
    'attestation-policy': JSON.stringify({ 'signer-workflow': BUILDER, issuer: cloud.endpoints.oidc.issuer }),
  };
}
