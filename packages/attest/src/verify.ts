// Verifies a digest's attestation bundles before a deployment: each bundle through the real
// @sigstore/verify against the trusted root (certificate chain, SCT, transparency log entry with
// its SET and inclusion proof, DSSE signature), then the policy over what was verified: the
// signer's workflow, source repository and ref, the issuer, the statement's subject (this digest),
// and a passing test result. Every required predicate type needs one bundle that passes all of it.
// The report names, per bundle, what is wrong, and which required types are missing.
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { certificateIdentity, type GithubCertificateIdentity } from './certificate-identity.ts';
import { type AttestationPolicy, refPattern } from './policy.ts';
import { TEST_RESULT_V01 } from './predicates/test-result.ts';
import { digestHex, parseStatement } from './statement.ts';

export interface VerifiedAttestation {
  predicateType: string;
  /** The signer's workflow URI (certificate SAN). */
  signer: string;
  sourceRef: string;
  sourceDigest: string;
}

export interface VerificationReport {
  ok: boolean;
  digest: string;
  verified: VerifiedAttestation[];
  /** One line per refused bundle or missing predicate type. */
  problems: string[];
}

function identityProblem(identity: GithubCertificateIdentity, policy: AttestationPolicy): string | undefined {
  if (identity.issuer !== policy.issuer) {
    return `certificate issuer '${identity.issuer}' is not the policy's '${policy.issuer}'`;
  }
  const [workflow, workflowRef] = policy.signerWorkflow.split('@');
  const expected = `${policy.serverUrl}/${workflow}@`;
  if (
    !identity.san.startsWith(expected) ||
    (workflowRef !== undefined && identity.san !== `${expected}${workflowRef}`)
  ) {
    return `signed by workflow '${identity.san}', not by the policy's signer workflow '${policy.signerWorkflow}'`;
  }
  const repositoryUri = `${policy.serverUrl}/${policy.sourceRepository}`;
  if (identity.sourceRepositoryUri !== repositoryUri) {
    return `built from repository '${identity.sourceRepositoryUri}', not from the policy's '${repositoryUri}'`;
  }
  if (!policy.refPatterns.some((p) => refPattern(p).test(identity.sourceRepositoryRef))) {
    return `built from ref '${identity.sourceRepositoryRef}', which matches none of the policy's refs (${policy.refPatterns.join(', ')})`;
  }
  return undefined;
}

/** The predicate type a payload claims, for naming it in a report (undefined if unreadable). */
function predicateTypeOf(payload: Buffer): string | undefined {
  try {
    const type = (JSON.parse(payload.toString('utf8')) as { predicateType?: unknown }).predicateType;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

export function verifyAttestations(options: {
  digest: string;
  bundles: SerializedBundle[];
  trustedRoot: unknown;
  policy: AttestationPolicy;
}): VerificationReport {
  const { digest, policy } = options;
  const hex = digestHex(digest);
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(options.trustedRoot)));
  const verified: VerifiedAttestation[] = [];
  const problems: string[] = [];
  options.bundles.forEach((serialized, i) => {
    const label = `attestation ${i + 1}`;
    let predicateType = '(unknown predicate)';
    try {
      const bundle = bundleFromJSON(serialized);
      if (bundle.content.$case !== 'dsseEnvelope') throw new Error('the bundle holds no DSSE envelope');
      const payload = bundle.content.dsseEnvelope.payload;
      predicateType = predicateTypeOf(payload) ?? predicateType;
      // The signature first: what an unverified payload says is only a label.
      const signer = verifier.verify(toSignedEntity(bundle));
      const statement = parseStatement(payload);
      const identity = certificateIdentity(signer);
      const problem = identityProblem(identity, policy);
      if (problem) throw new Error(problem);
      if (!statement.subject.some((s) => s.digest?.sha256 === hex)) {
        const named = statement.subject.map((s) => `sha256:${s.digest?.sha256 ?? '?'}`).join(', ');
        throw new Error(`its subject is ${named}, not ${digest}`);
      }
      if (statement.predicateType === TEST_RESULT_V01) {
        const result = (statement.predicate as { result?: unknown }).result;
        if (result !== 'PASSED') throw new Error(`the test result is ${String(result)}, not PASSED`);
      }
      verified.push({
        predicateType,
        signer: identity.san,
        sourceRef: identity.sourceRepositoryRef,
        sourceDigest: identity.sourceRepositoryDigest,
      });
    } catch (error) {
      problems.push(`${label} (${predicateType}): ${(error as Error).message}`);
    }
  });
  for (const type of policy.requiredPredicateTypes) {
    if (!verified.some((v) => v.predicateType === type)) {
      problems.push(`no valid ${type} attestation for ${digest}`);
    }
  }
  const missing = policy.requiredPredicateTypes.filter((t) => !verified.some((v) => v.predicateType === t));
  return { ok: missing.length === 0, digest, verified, problems };
}
