// The platform-test outcome as the in-toto test-result predicate (what build.yml's publish job
// signs about the image digest): the spec (path and sha256 of its bytes), the checks that passed
// and failed by name, and the JUnit counts. Written next to the JUnit report, failed or not.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type TestResultPredicate, testResult } from '@bakeline/attest/test-result';
import type { PlatformTestResult } from '@bakeline/platform';

/** `<junit path without .xml>.test-result.json` */
export function testResultPath(junitPath: string): string {
  return `${junitPath.replace(/\.xml$/, '')}.test-result.json`;
}

export function platformTestPredicate(
  result: Pick<PlatformTestResult, 'results' | 'passed' | 'failed' | 'skipped'>,
  specPath: string,
  env: Record<string, string | undefined>,
): TestResultPredicate {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const name = relative(workspace, specPath).startsWith('..') ? specPath : relative(workspace, specPath);
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
  return testResult({
    spec: { name, sha256: createHash('sha256').update(readFileSync(specPath)).digest('hex') },
    passedChecks: result.results.filter((r) => r.status === 'passed').map((r) => r.name),
    failedChecks: result.results.filter((r) => r.status === 'failed').map((r) => r.name),
    junit: { tests: result.results.length, failures: result.failed, errors: 0, skipped: result.skipped },
    url: `${server}/${env.GITHUB_REPOSITORY ?? 'local/local'}/actions/runs/${env.GITHUB_RUN_ID ?? '0'}`,
  });
}

export function writeTestResult(path: string, predicate: TestResultPredicate): void {
  writeFileSync(path, `${JSON.stringify(predicate, null, 2)}\n`);
}
