export { attestImage, type StoredAttestation } from './attest-image.ts';
export { fetchSigstoreToken } from './oidc-token.ts';
export { type AttestationPolicy, parsePolicy } from './policy.ts';
export { SLSA_PROVENANCE_V1, slsaProvenance } from './predicates/slsa-provenance.ts';
export { TEST_RESULT_V01, testResult } from './predicates/test-result.ts';
export { signStatement } from './sign.ts';
export { statement } from './statement.ts';
export {
  bundlesFromReferrers,
  type OciRepository,
  pushReferrer,
  subjectDescriptor,
} from './store/oci-referrers.ts';
export { loadTrustedRoot } from './trusted-root.ts';
export { type VerificationReport, verifyAttestations } from './verify.ts';
