import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { platformTestPredicate, testResultPath, writeTestResult } from './test-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'platform-test-result-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (name: string, status: 'passed' | 'failed' | 'skipped') =>
  ({ name, kind: 'http', status, durationMs: 1, message: '' }) as const;

describe('the test-result predicate of a platform test', () => {
  it('names the spec by its path in the workspace and its sha256, the checks, and the JUnit counts', () => {
    const spec = join(dir, 'platform-test.yml');
    writeFileSync(spec, 'checks: []\n');
    const predicate = platformTestPredicate(
      {
        results: [check('health', 'passed'), check('version', 'failed'), check('file', 'skipped')],
        passed: 1,
        failed: 1,
        skipped: 1,
      },
      spec,
      { GITHUB_WORKSPACE: dir, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' },
    );
    expect(predicate).toEqual({
      result: 'FAILED',
      configuration: [
        {
          name: 'platform-test.yml',
          digest: { sha256: createHash('sha256').update('checks: []\n').digest('hex') },
          annotations: { junit: { tests: 3, failures: 1, errors: 0, skipped: 1 } },
        },
      ],
      url: 'https://github.com/o/r/actions/runs/7',
      passedTests: ['health'],
      warnedTests: [],
      failedTests: ['version'],
    });
    const path = testResultPath(join(dir, 'junit.xml'));
    expect(path).toBe(join(dir, 'junit.test-result.json'));
    writeTestResult(path, predicate);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(predicate);
  });
});
