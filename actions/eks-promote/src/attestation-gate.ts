// The gate before any write: the digest's attestations, read from the image's repository (OCI
// referrers), verified with @sigstore/verify against the trusted root and the policy. In enforce
// mode a digest that cannot prove its origin stops the promotion with the reasons, before the
// cluster (or GitHub) is touched; in warn mode the reasons are warnings and the promotion goes on.
import { readFileSync } from 'node:fs';
import { bundlesFromReferrers, loadTrustedRoot, type VerificationReport, verifyAttestations } from '@bakeline/attest';
import { parseReference } from '@bakeline/oci';
import type { Logger } from '@bakeline/toolkit';
import type { AttestationInputs } from './attestation-inputs.ts';

export interface GateResult {
  mode: AttestationInputs['mode'];
  /** `verified` when the policy holds; otherwise `not verified` (warn mode only gets here). */
  status: 'verified' | 'not verified';
  report: VerificationReport | undefined;
  /** One line for the summary and the `verified` output: signer and predicate types, or why not. */
  line: string;
}

export class AttestationRefusedError extends Error {}

function shortType(type: string): string {
  if (type.includes('slsa.dev/provenance')) return 'provenance';
  if (type.includes('test-result')) return 'test-result';
  if (type.includes('cyclonedx')) return 'sbom';
  return type;
}

export async function verifyBeforeDeploy(options: {
  image: string;
  digest: string;
  inputs: AttestationInputs;
  registryCredentials: () => Promise<{ username: string; password: string } | undefined>;
  logger: Logger;
}): Promise<GateResult> {
  const { inputs, digest, logger } = options;
  const refuse = (reasons: string[]): GateResult => {
    const message = `attestations: ${options.image} cannot prove its origin: ${reasons.join('; ')}`;
    if (inputs.mode === 'enforce') throw new AttestationRefusedError(`${message}. Nothing was changed.`);
    logger.warning(`${message} (verify-attestations: warn, so the promotion goes on)`);
    return {
      mode: inputs.mode,
      status: 'not verified',
      report: undefined,
      line: `not verified: ${reasons.join('; ')}`,
    };
  };
  if (!inputs.policy) return refuse([`no policy (${inputs.policyProblem ?? 'attestation-policy is incomplete'})`]);
  if (!inputs.trustedRoot) return refuse(['no trusted-root given']);
  const trustedRoot = loadTrustedRoot(readFileSync(inputs.trustedRoot, 'utf8'), inputs.trustedRoot);
  const ref = parseReference(options.image);
  const credentials = await options.registryCredentials();
  const bundles = await bundlesFromReferrers(
    { registry: ref.registry, repository: ref.repository, ...(credentials ? { credentials } : {}) },
    digest,
  );
  logger.info(`attestations: ${bundles.length} bundle(s) refer to ${digest}`);
  const report = verifyAttestations({ digest, bundles, trustedRoot, policy: inputs.policy });
  if (!report.ok) {
    const result = refuse(report.problems);
    return { ...result, report };
  }
  for (const problem of report.problems) logger.warning(`attestations: ignored ${problem}`);
  const signers = [...new Set(report.verified.map((v) => v.signer))].join(', ');
  const types = [...new Set(report.verified.map((v) => shortType(v.predicateType)))].join(', ');
  logger.info(`attestations: ${digest} verified (${types}) signed by ${signers}`);
  return { mode: inputs.mode, status: 'verified', report, line: `${types} by ${signers}` };
}
