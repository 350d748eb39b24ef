// SLSA build provenance v1 (https://slsa.dev/provenance/v1) for a GitHub Actions build, in the
// shape actions/attest-build-provenance writes: buildType of GitHub's workflow builds, the
// workflow (repository, ref, path) as external parameters, the run as invocation, the builder id
// the reusable workflow's ref, and resolved dependencies: the source commit plus the materials
// (the resolved base image, the JAR).
import type { ResourceDescriptor } from '../statement.ts';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const GITHUB_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

export interface ProvenanceInput {
  /** `https://github.com` on github.com. */
  serverUrl: string;
  /** `owner/name` of the source repository. */
  repository: string;
  /** The commit built. */
  sha: string;
  /** `refs/heads/main`, `refs/tags/v1.2.0`. */
  ref: string;
  /** The caller workflow's path (`.github/workflows/ci.yml`). */
  workflowPath: string;
  eventName: string;
  runId: string;
  runAttempt: string;
  /** The reusable workflow ref that ran the build: `owner/repo/.github/workflows/build.yml@ref`. */
  jobWorkflowRef: string;
  materials: ResourceDescriptor[];
}

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string;
    externalParameters: { workflow: { ref: string; repository: string; path: string } };
    internalParameters: { github: { event_name: string } };
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: { builder: { id: string }; metadata: { invocationId: string } };
}

export function slsaProvenance(input: ProvenanceInput): SlsaProvenance {
  if (!/^[0-9a-f]{40}$/.test(input.sha)) throw new Error(`provenance: sha '${input.sha}': expected 40 hex digits`);
  if (!/^[^/@]+\/[^/@]+\/.+@.+$/.test(input.jobWorkflowRef)) {
    throw new Error(`provenance: job workflow ref '${input.jobWorkflowRef}': expected owner/repo/path@ref`);
  }
  const server = input.serverUrl.replace(/\/$/, '');
  const repositoryUri = `${server}/${input.repository}`;
  return {
    buildDefinition: {
      buildType: GITHUB_BUILD_TYPE,
      externalParameters: { workflow: { ref: input.ref, repository: repositoryUri, path: input.workflowPath } },
      internalParameters: { github: { event_name: input.eventName } },
      resolvedDependencies: [
        { uri: `git+${repositoryUri}@${input.ref}`, digest: { gitCommit: input.sha } },
        ...input.materials,
      ],
    },
    runDetails: {
      builder: { id: `${server}/${input.jobWorkflowRef}` },
      metadata: { invocationId: `${repositoryUri}/actions/runs/${input.runId}/attempts/${input.runAttempt}` },
    },
  };
}
