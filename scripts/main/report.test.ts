import { describe, expect, it } from 'vitest';
import { type ReportRow, rowProblem } from './report.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `127.0.0.1:5000/ostock/licensing-service@${DIGEST}`;

function row(environment: string, profile: string): ReportRow {
  return {
    environment,
    expected: DIGEST,
    imageUri: IMAGE,
    verified: 'provenance, test-result by https://github.com/bakeline-dev/bakeline/.github/workflows/build.yml@v1',
    state: { namespace: environment, image: IMAGE, digests: [DIGEST], readyPods: 2, pods: 2, replicas: 2, profile },
  };
}

describe('the main job report', () => {
  it("accepts an environment that runs the digest with its own overlay's profile", () => {
    expect(rowProblem(row('prod', 'prod'))).toBeUndefined();
  });

  it("flags an environment whose ConfigMap carries another environment's profile", () => {
    expect(rowProblem(row('prod', 'test'))).toBe("its ConfigMap's profile is 'test', not 'prod'");
    expect(rowProblem(row('dev', ''))).toBe("its ConfigMap's profile is '', not 'dev'");
  });

  it('flags an environment whose deploy did not verify the attestations', () => {
    expect(rowProblem({ ...row('test', 'test'), verified: 'not verified: no trusted-root given' })).toBe(
      'its attestations were not verified (not verified: no trusted-root given)',
    );
    expect(rowProblem({ ...row('test', 'test'), verified: '' })).toBe(
      'its attestations were not verified (no verified output)',
    );
  });
});
