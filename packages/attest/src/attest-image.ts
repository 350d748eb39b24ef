// Signs what build.yml claims about a pushed image and stores it where both GitHub and the
// registry can be asked, as actions/attest-build-provenance does with `subject-digest` and
// `push-to-registry: true`: for each statement (SLSA provenance, the SBOM, the platform-test
// result; subject = the image digest) a keyless Sigstore bundle (the job's OIDC token, audience
// `sigstore`), pushed as an OCI referrer of the image and uploaded to GitHub's attestations API.
// The provenance's builder and source come from the token's own claims (job_workflow_ref,
// repository, sha, ref, run), as @actions/attest reads them, so they match the certificate.

import type { Logger } from '@bakeline/toolkit';
import type { SerializedBundle } from '@sigstore/bundle';
import { CYCLONEDX_PREDICATE, sbomPredicate } from './predicates/sbom.ts';
import { SLSA_PROVENANCE_V1, slsaProvenance } from './predicates/slsa-provenance.ts';
import { TEST_RESULT_V01, type TestResultPredicate } from './predicates/test-result.ts';
import { type SigstoreEndpoints, signStatement } from './sign.ts';
import { type ResourceDescriptor, type Statement, statement } from './statement.ts';
import { type GithubApi, uploadToGithub } from './store/github-attestations.ts';
import { type OciRepository, pushReferrer, subjectDescriptor } from './store/oci-referrers.ts';

export interface AttestImageOptions {
  /** The image: `name` is `<registry>/<repository>` (no tag), `digest` its manifest digest. */
  image: { name: string; digest: string };
  registry: OciRepository;
  /** The job's OIDC token for audience `sigstore` (one is fetched and reused for every statement). */
  idToken: () => Promise<string>;
  sigstore: SigstoreEndpoints;
  /** GitHub's attestations API; undefined: the registry only. */
  github: GithubApi | undefined;
  /** `https://github.com` (GITHUB_SERVER_URL). */
  serverUrl: string;
  /** The resolved base image and the JAR (provenance resolvedDependencies). */
  materials: ResourceDescriptor[];
  /** A CycloneDX JSON document, attested when given. */
  sbom: unknown;
  /** The platform-test predicate, attested when given. */
  testResult: TestResultPredicate | undefined;
  logger: Logger;
}

export interface StoredAttestation {
  predicateType: string;
  /** Digest of the referrer manifest in the image's repository. */
  referrer: string;
  /** Id in GitHub's attestations API (undefined when not stored there). */
  githubId: number | undefined;
}

/** The claims of a JWT (no signature check: it is the job's own token, just fetched). */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('OIDC token: not a JWT');
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('OIDC token: its payload is not JSON');
  }
}

function claim(claims: Record<string, unknown>, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`OIDC token: claim '${name}' is missing; the provenance needs it (a GitHub Actions token has it)`);
  }
  return value;
}

/** The SLSA provenance of a GitHub Actions build, from the job's token claims. */
export function provenanceStatement(
  image: { name: string; digest: string },
  claims: Record<string, unknown>,
  serverUrl: string,
  materials: ResourceDescriptor[],
): Statement {
  const repository = claim(claims, 'repository');
  const workflowRef = claim(claims, 'workflow_ref');
  const workflowPath = workflowRef.replace(/@.*$/, '').slice(repository.length + 1);
  return statement(
    image,
    SLSA_PROVENANCE_V1,
    slsaProvenance({
      serverUrl,
      repository,
      sha: claim(claims, 'sha'),
      ref: claim(claims, 'ref'),
      workflowPath,
      eventName: claim(claims, 'event_name'),
      runId: claim(claims, 'run_id'),
      runAttempt: claim(claims, 'run_attempt'),
      jobWorkflowRef: claim(claims, 'job_workflow_ref'),
      materials,
    }),
  );
}

function shortName(type: string): string {
  if (type === SLSA_PROVENANCE_V1) return 'provenance';
  if (type === TEST_RESULT_V01) return 'test-result';
  if (type === CYCLONEDX_PREDICATE) return 'sbom';
  return type;
}

export async function attestImage(options: AttestImageOptions): Promise<StoredAttestation[]> {
  const { image, logger } = options;
  let token: Promise<string> | undefined;
  const idToken = () => {
    token ??= options.idToken();
    return token;
  };
  const claims = tokenClaims(await idToken());
  const statements: Statement[] = [provenanceStatement(image, claims, options.serverUrl, options.materials)];
  if (options.sbom !== undefined) statements.push(statement(image, CYCLONEDX_PREDICATE, sbomPredicate(options.sbom)));
  if (options.testResult !== undefined) statements.push(statement(image, TEST_RESULT_V01, options.testResult));

  const subject = await subjectDescriptor(options.registry, image.digest);
  const stored: StoredAttestation[] = [];
  for (const s of statements) {
    const bundle: SerializedBundle = await signStatement(s, { ...options.sigstore, token: idToken });
    const referrer = await pushReferrer(options.registry, bundle, subject, s.predicateType);
    const githubId = options.github ? await uploadToGithub(options.github, bundle) : undefined;
    logger.info(
      `attestation ${shortName(s.predicateType)}: referrer ${referrer.digest}${githubId !== undefined ? `, GitHub attestation ${githubId}` : ''}`,
    );
    stored.push({ predicateType: s.predicateType, referrer: referrer.digest, githubId });
  }
  return stored;
}
