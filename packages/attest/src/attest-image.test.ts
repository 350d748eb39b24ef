import { describe, expect, it } from 'vitest';
import { provenanceStatement, tokenClaims } from './attest-image.ts';

const DIGEST = `sha256:${'5'.repeat(64)}`;
const CLAIMS = {
  repository: 'bakeline-dev/licensing-service',
  sha: 'f'.repeat(40),
  ref: 'refs/heads/main',
  workflow_ref: 'bakeline-dev/licensing-service/.github/workflows/build.yml@refs/heads/main',
  job_workflow_ref: 'bakeline-dev/bakeline/.github/workflows/build.yml@v1',
  event_name: 'push',
  run_id: '42',
  run_attempt: '2',
};

describe('the provenance of a build, from the job token', () => {
  it('takes the builder from job_workflow_ref and the source and run from the other claims', () => {
    const s = provenanceStatement({ name: 'r/x', digest: DIGEST }, CLAIMS, 'https://github.com', [
      { uri: 'oci:/base', digest: { sha256: 'b'.repeat(64) } },
    ]);
    const p = s.predicate as {
      buildDefinition: { externalParameters: { workflow: unknown }; resolvedDependencies: unknown[] };
      runDetails: { builder: { id: string }; metadata: { invocationId: string } };
    };
    expect(s.subject).toEqual([{ name: 'r/x', digest: { sha256: '5'.repeat(64) } }]);
    expect(p.runDetails.builder.id).toBe('https://github.com/bakeline-dev/bakeline/.github/workflows/build.yml@v1');
    expect(p.runDetails.metadata.invocationId).toBe(
      'https://github.com/bakeline-dev/licensing-service/actions/runs/42/attempts/2',
    );
    expect(p.buildDefinition.externalParameters.workflow).toEqual({
      ref: 'refs/heads/main',
      repository: 'https://github.com/bakeline-dev/licensing-service',
      path: '.github/workflows/build.yml',
    });
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      {
        uri: 'git+https://github.com/bakeline-dev/licensing-service@refs/heads/main',
        digest: { gitCommit: 'f'.repeat(40) },
      },
      { uri: 'oci:/base', digest: { sha256: 'b'.repeat(64) } },
    ]);
  });

  it('names a claim the token lacks', () => {
    const { job_workflow_ref: _, ...claims } = CLAIMS;
    expect(() => provenanceStatement({ name: 'r/x', digest: DIGEST }, claims, 'https://github.com', [])).toThrow(
      "OIDC token: claim 'job_workflow_ref' is missing",
    );
  });

  it('reads the claims of a JWT and refuses what is not one', () => {
    const payload = Buffer.from(JSON.stringify(CLAIMS)).toString('base64url');
    expect(tokenClaims(`e30.${payload}.sig`)).toEqual(CLAIMS);
    expect(() => tokenClaims('opaque')).toThrow('OIDC token: not a JWT');
  });
});
