export { certificateIdentity, type GithubCertificateIdentity, OID } from './certificate-identity.ts';
export { fetchSigstoreToken, type IdTokenRequest } from './oidc-token.ts';
export {
  type AttestationPolicy,
  DEFAULT_PREDICATE_TYPES,
  GITHUB_ACTIONS_ISSUER,
  KNOWN_PREDICATE_TYPES,
  parsePolicy,
  refPattern,
} from './policy.ts';
export { CYCLONEDX_PREDICATE, sbomPredicate } from './predicates/sbom.ts';
export {
  type ProvenanceInput,
  SLSA_PROVENANCE_V1,
  type SlsaProvenance,
  slsaProvenance,
} from './predicates/slsa-provenance.ts';
export { type JunitCounts, TEST_RESULT_V01, type TestResultInput, testResult } from './predicates/test-result.ts';
export { type SigstoreEndpoints, signStatement } from './sign.ts';
export {
  digestHex,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  type ResourceDescriptor,
  type Statement,
  statement,
} from './statement.ts';
export { type GithubApi, listFromGithub, uploadToGithub } from './store/github-attestations.ts';
export {
  bundlesFromReferrers,
  listReferrers,
  type OciRepository,
  pushReferrer,
  referrerManifest,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  subjectDescriptor,
} from './store/oci-referrers.ts';
export { loadTrustedRoot } from './trusted-root.ts';
export { type VerificationReport, type VerifiedAttestation, verifyAttestations } from './verify.ts';
