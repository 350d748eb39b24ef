// Integration: attestations signed against the local cloud's Sigstore, stored as OCI 1.1
// referrers through the ECR front (real Distribution registry behind it), listed through the
// referrers API, read back byte for byte by the real skopeo, and verified from there.
import { createHash } from 'node:crypto';
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
import { attestImage } from './attest-image.ts';
import { parsePolicy } from './policy.ts';
import { CYCLONEDX_PREDICATE } from './predicates/sbom.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance } from './predicates/slsa-provenance.ts';
import { TEST_RESULT_V01, testResult } from './predicates/test-result.ts';
import { signStatement } from './sign.ts';
import { statement } from './statement.ts';
import { listFromGithub } from './store/github-attestations.ts';
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
  cloud = await startTestCloud({ kube: false, pipelineIam: 'terraform-snapshot' });
  repo = await pushableRepository(cloud, REPOSITORY);
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

  it("attestImage (ecr-push's attest): provenance, SBOM and test result round-trip through the referrers and GitHub", async () => {
    const digest = await pushImage('attest-image');
    const sbom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      components: [{ type: 'library', name: 'commons-codec', purl: 'pkg:maven/commons-codec/commons-codec@1.17.1' }],
    };
    const stored = await attestImage({
      image: { name: `${repo.registry}/${REPOSITORY}`, digest },
      registry: repo,
      idToken: () =>
        cloud.admin.issueIdToken(
          { repository: cloud.endpoints.githubRepository, sha: SHA, job_workflow_ref: `${BUILDER}@v1` },
          { audience: 'sigstore' },
        ),
      sigstore: { fulcioUrl: cloud.endpoints.sigstore.url, rekorUrl: cloud.endpoints.sigstore.url },
      github: {
        apiUrl: cloud.endpoints.github.apiUrl,
        repository: cloud.endpoints.githubRepository,
        token: cloud.endpoints.github.token,
      },
      serverUrl: 'https://github.com',
      materials: [
        { uri: 'pkg:maven/dev.bakeline/licensing-service@1.0.0?type=jar', digest: { sha256: 'a'.repeat(64) } },
      ],
      sbom,
      testResult: testResult({
        spec: { name: 'platform-test.yml', sha256: 'c'.repeat(64) },
        passedChecks: ['health'],
        failedChecks: [],
        junit: { tests: 1, failures: 0, errors: 0, skipped: 0 },
        url: 'https://github.com/x/y/actions/runs/1',
      }),
      logger: { info: () => {}, debug: () => {}, warning: () => {}, error: () => {}, group: (_n, fn) => fn() },
    });
    expect(stored.map((a) => a.predicateType)).toEqual([SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE, TEST_RESULT_V01]);
    const listed = await listReferrers(repo, digest);
    expect(listed.map((r) => r.digest).sort()).toEqual(stored.map((a) => a.referrer).sort());
    // the SBOM referrer, read back by the real skopeo, is the manifest whose layer holds the SBOM's bundle
    const sbomReferrer = listed.find(
      (r) => r.annotations?.['dev.sigstore.bundle.predicateType'] === CYCLONEDX_PREDICATE,
    );
    const raw = await execChecked('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `--creds=AWS:${repo.credentials.password}`,
      `docker://${repo.registry}/${REPOSITORY}@${sbomReferrer?.digest}`,
    ]);
    expect(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`).toBe(sbomReferrer?.digest);
    const bundles = await bundlesFromReferrers(repo, digest);
    const payloads = bundles.map(
      (b) =>
        JSON.parse(Buffer.from(b.dsseEnvelope?.payload ?? '', 'base64').toString('utf8')) as Record<string, unknown>,
    );
    expect(payloads.find((p) => p.predicateType === CYCLONEDX_PREDICATE)?.predicate).toEqual(sbom);
    const provenance = payloads.find((p) => p.predicateType === SLSA_PROVENANCE_V1) as {
      predicate: { runDetails: { builder: { id: string } } };
    };
    expect(provenance.predicate.runDetails.builder.id).toBe(`https://github.com/${BUILDER}@v1`);
    const report = verifyAttestations({
      digest,
      bundles,
      trustedRoot: await (await fetch(cloud.endpoints.sigstore.trustedRoot)).json(),
      policy: parsePolicy({
        'signer-workflow': BUILDER,
        'source-repository': cloud.endpoints.githubRepository,
        issuer: cloud.endpoints.oidc.issuer,
        'predicate-types': [SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE, TEST_RESULT_V01],
      }),
    });
    expect(report.problems).toEqual([]);
    // the same three bundles in GitHub's attestations API
    const fromGithub = await listFromGithub(
      {
        apiUrl: cloud.endpoints.github.apiUrl,
        repository: cloud.endpoints.githubRepository,
        token: cloud.endpoints.github.token,
      },
      digest,
    );
    expect(fromGithub).toHaveLength(3);
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
