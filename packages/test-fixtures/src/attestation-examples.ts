// The predicates the attestation tests sign for an image built on main: SLSA provenance of the
// reusable build workflow run on a push, and a passed platform test. Plain data, given to
// @bakeline/attest's `slsaProvenance` and `testResult`.

/** The reusable workflow that builds and signs (the signer the policy names). */
export const EXAMPLE_BUILDER = 'bakeline-dev/bakeline/.github/workflows/build.yml';

/** `slsaProvenance` options of a build of `sha` in `repository` on refs/heads/main. */
export function exampleProvenance(repository: string, sha: string) {
  return {
    serverUrl: 'https://github.com',
    repository,
    sha,
    ref: 'refs/heads/main',
    workflowPath: '.github/workflows/ci.yml',
    eventName: 'push',
    runId: '1',
    runAttempt: '1',
    jobWorkflowRef: `${EXAMPLE_BUILDER}@refs/heads/main`,
    materials: [],
  };
}

/** `testResult` options of a platform test that passed. */
export function examplePassedTest() {
  return {
    spec: { name: 'platform-test.yaml', sha256: 'c'.repeat(64) },
    passedChecks: ['health'],
    failedChecks: [],
    junit: { tests: 3, failures: 0, errors: 0, skipped: 0 },
    url: 'https://github.com/x/y/actions/runs/1',
  };
}
