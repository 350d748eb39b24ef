// The in-toto test-result predicate v0.1 (https://in-toto.io/attestation/test-result/v0.1): the
// platform-test run's outcome, the spec's checks by name, and the JUnit counts (as annotations of
// the configuration descriptor that names the spec, since the predicate has no field of its own
// for counts).
import type { ResourceDescriptor } from '../statement.ts';

export const TEST_RESULT_V01 = 'https://in-toto.io/attestation/test-result/v0.1';

export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export interface TestResultInput {
  /** The platform-test spec (name and sha256 of its bytes). */
  spec: { name: string; sha256: string };
  passedChecks: string[];
  failedChecks: string[];
  junit: JunitCounts;
  /** The run's URL. */
  url: string;
}

export interface TestResultPredicate {
  result: 'PASSED' | 'WARNED' | 'FAILED';
  configuration: ResourceDescriptor[];
  url: string;
  passedTests: string[];
  warnedTests: string[];
  failedTests: string[];
}

export function testResult(input: TestResultInput): TestResultPredicate {
  for (const [name, value] of Object.entries(input.junit)) {
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`test result: junit ${name} '${value}': expected a count`);
  }
  const failed = input.failedChecks.length > 0 || input.junit.failures > 0 || input.junit.errors > 0;
  return {
    result: failed ? 'FAILED' : 'PASSED',
    configuration: [
      {
        name: input.spec.name,
        digest: { sha256: input.spec.sha256 },
        annotations: { junit: { ...input.junit } },
      },
    ],
    url: input.url,
    passedTests: [...input.passedChecks],
    warnedTests: [],
    failedTests: [...input.failedChecks],
  };
}
