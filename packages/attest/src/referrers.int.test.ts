// Integration: attestations signed against the local cloud's Sigstore, stored as OCI 1.1
// referrers through the ECR front (real Distribution registry behind it), listed through the
// referrers API, read back byte for byte by the real skopeo, and verified from there.
import type { LocalCloud } from '@bakeline/local-cloud';
import {
  EXAMPLE_BUILDER as BUILDER,
  examplePassedTest,
  exampleProvenance,
  type PushableRepository,
  pushableRepository,
  pushConfigOnlyImage,
  startTestCloud,
} from '@bakeline/test-fixtures';
import { execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from './policy.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance } from './predicates/slsa-provenance.ts';
import { TEST_RESULT_V01, testResult } from './predicates/test-result.ts';
import { signStatement } from './sign.ts';
import { statement } from './statement.ts';
import {
  bundlesFromReferrers,
  listReferrers,
  pushReferrer,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  subjectDescriptor,
} from './store/oci-referrers.ts';
import { verifyAttestations } from './verify.ts';

const REPOSITORY = 'bakeline/attested';
const SHA = 'e'.repeat(40);
let cloud: LocalCloud;
let repo: PushableRepository;

/** Pushes an image of one config and no layers; returns its digest. */
const pushImage = (seed: string) => pushConfigOnlyImage(cloud, repo, seed);

beforeAll(async () => {
  cloud = await startTestCloud({ kube: false });
  repo = await pushableRepository(cloud, REPOSITORY, 'attest-test');
});
afterAll(async () => {
  await cloud?.stop();
});

describe('attestations as OCI referrers in the local ECR', () => {
  it('round-trips: the listing names them, skopeo reads each referrer manifest as pushed, they verify', async () => {
    const digest = await pushImage('v1');
    const sigstore = cloud.endpoints.sigstore;
    if (!sigstore) throw new Error('the local cloud has no Sigstore');
    const token = () =>
      cloud.admin.issueIdToken(
        { repository: cloud.endpoints.githubRepository, sha: SHA, job_workflow_ref: `${BUILDER}@refs/heads/main` },
        { audience: 'sigstore' },
      );
    const subject = { name: `${repo.registry}/${REPOSITORY}`, digest };
    const statements = [
      statement(subject, SLSA_PROVENANCE_V1, slsaProvenance(exampleProvenance(cloud.endpoints.githubRepository, SHA))),
      statement(subject, TEST_RESULT_V01, testResult(examplePassedTest())),
    ];
    const image = await subjectDescriptor(repo, digest);
    expect(image).toMatchObject({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    const pushed = [];
    for (const s of statements) {
      const bundle = await signStatement(s, { fulcioUrl: sigstore.url, rekorUrl: sigstore.url, token });
      expect(bundle.mediaType).toBe(SIGSTORE_BUNDLE_MEDIA_TYPE);
      pushed.push(await pushReferrer(repo, bundle, image, s.predicateType));
    }

    const listed = await listReferrers(repo, digest);
    expect(listed.map((r) => r.digest).sort()).toEqual(pushed.map((p) => p.digest).sort());
    expect(listed.map((r) => r.annotations?.['dev.sigstore.bundle.predicateType']).sort()).toEqual(
      [SLSA_PROVENANCE_V1, TEST_RESULT_V01].sort(),
    );
    for (const p of pushed) {
      const raw = await execChecked('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `--creds=AWS:${repo.credentials.password}`,
        `docker://${repo.registry}/${REPOSITORY}@${p.digest}`,
      ]);
      expect(Buffer.from(raw.stdout)).toEqual(p.manifest);
    }

    const trustedRoot = await (await fetch(sigstore.trustedRoot)).json();
    const policy = parsePolicy({
      'signer-workflow': BUILDER,
      'source-repository': cloud.endpoints.githubRepository,
      issuer: cloud.endpoints.oidc.issuer,
    });
    const report = verifyAttestations({
      digest,
      bundles: await bundlesFromReferrers(repo, digest),
      trustedRoot,
      policy,
    });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    const bare = await pushImage('v2');
    expect(await listReferrers(repo, bare)).toEqual([]);
    const refused = verifyAttestations({
      digest: bare,
      bundles: await bundlesFromReferrers(repo, bare),
      trustedRoot,
      policy,
    });
    expect(refused.ok).toBe(false);
    expect(refused.problems[0]).toBe(`no valid ${SLSA_PROVENANCE_V1} attestation for ${bare}`);
  });

  it('filters referrers by artifactType and refuses an ill-formed digest with 400', async () => {
    const digest = await pushImage('v3');
    const base = `${cloud.endpoints.registry.url}/v2/${REPOSITORY}/referrers`;
    const authorization = `Basic ${Buffer.from(`AWS:${repo.credentials.password}`).toString('base64')}`;
    const filtered = await fetch(`${base}/${digest}?artifactType=application/x-other`, { headers: { authorization } });
    expect(filtered.status).toBe(200);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(await filtered.json()).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    });
    const bad = await fetch(`${base}/sha256:nothex`, { headers: { authorization } });
    expect(bad.status).toBe(400);
  });
});
