// The attestation inputs of eks-promote: the mode (`verify-attestations`), the policy
// (`attestation-policy`, JSON) and the trusted root (`trusted-root`, a file), validated with the
// other inputs before anything talks to a cluster. The policy's defaults: bakeline's build.yml
// (from the repository this action comes from) called from this repository on main.

import type { InputReader } from '@bakeline/action-io';
import { type AttestationPolicy, parsePolicy } from '@bakeline/attest';
import { errorMessage, InputError } from '@bakeline/toolkit';

export type AttestationMode = 'enforce' | 'warn';

export interface AttestationInputs {
  mode: AttestationMode;
  policy: AttestationPolicy | undefined;
  /** Path of a Sigstore trusted root JSON (`gh attestation trusted-root` writes them). */
  trustedRoot: string | undefined;
  /** Why the policy could not be built, when it is incomplete (warn mode reports it). */
  policyProblem: string | undefined;
}

export function readAttestationInputs(reader: InputReader, env: Record<string, string | undefined>): AttestationInputs {
  const mode = reader.getEnum('verify-attestations', ['enforce', 'warn'] as const, { default: 'enforce' });
  const text = reader.getOptionalString('attestation-policy');
  let doc: unknown = {};
  if (text !== undefined) {
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new InputError(
        'attestation-policy',
        `is not JSON (${errorMessage(error)}); expected an object such as {"refs":["refs/heads/main"]}`,
      );
    }
  }
  const defaults: Partial<AttestationPolicy> = {};
  if (env.GITHUB_ACTION_REPOSITORY)
    defaults.signerWorkflow = `${env.GITHUB_ACTION_REPOSITORY}/.github/workflows/build.yml`;
  if (env.GITHUB_REPOSITORY) defaults.sourceRepository = env.GITHUB_REPOSITORY;
  if (env.GITHUB_SERVER_URL) defaults.serverUrl = env.GITHUB_SERVER_URL;
  let policy: AttestationPolicy | undefined;
  let policyProblem: string | undefined;
  try {
    policy = parsePolicy(doc, defaults);
  } catch (error) {
    // A field given wrong is an input error in either mode; one left to a default that is missing
    // only matters in enforce mode.
    const message = errorMessage(error).replace(/^policy: /, '');
    const field = /^'([^']+)'/.exec(message)?.[1];
    if (field !== undefined && field in (doc as Record<string, unknown>))
      throw new InputError('attestation-policy', message);
    if (mode === 'enforce') throw new InputError('attestation-policy', message);
    policyProblem = message;
  }
  const trustedRoot = reader.getPath('trusted-root', { mustExist: 'file', allowOutsideWorkspace: true }) || undefined;
  if (mode === 'enforce' && trustedRoot === undefined) {
    throw new InputError(
      'trusted-root',
      "is required with verify-attestations: enforce; expected a Sigstore trusted root JSON file (on github.com: 'gh attestation trusted-root')",
    );
  }
  return { mode, policy, trustedRoot, policyProblem };
}
