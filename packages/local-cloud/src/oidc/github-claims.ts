// The claims GitHub puts into a job's OIDC token, with the defaults GitHub derives (the `sub`
// from environment, pull_request or ref), so a test names only what it cares about.
import { createHash, randomUUID } from 'node:crypto';

/** What a test or the workflow runner says about the job (everything optional but `repository`). */
export interface GithubJobClaims {
  repository: string;
  /** Default: `repo:<repository>:environment:<env>` / `:pull_request` / `:ref:<ref>`. */
  sub?: string;
  repository_owner?: string;
  ref?: string;
  ref_type?: string;
  sha?: string;
  event_name?: string;
  environment?: string;
  job_workflow_ref?: string;
  workflow_ref?: string;
  workflow?: string;
  actor?: string;
  run_id?: string;
  run_attempt?: string;
  run_number?: string;
  head_ref?: string;
  base_ref?: string;
}

/** All claims of a GitHub Actions ID token except iss/aud/iat/nbf/exp. */
export interface GithubTokenClaims {
  jti: string;
  sub: string;
  ref: string;
  sha: string;
  repository: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_id: string;
  repository_visibility: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  actor: string;
  actor_id: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  head_ref: string;
  base_ref: string;
  event_name: string;
  ref_type: string;
  ref_protected: string;
  runner_environment: string;
  environment?: string;
}

function numericId(text: string): string {
  return String(createHash('sha256').update(text).digest().readUInt32BE(0));
}

export function defaultSubject(
  claims: Pick<GithubJobClaims, 'repository' | 'environment' | 'event_name' | 'ref'>,
): string {
  if (claims.environment !== undefined) return `repo:${claims.repository}:environment:${claims.environment}`;
  if (claims.event_name === 'pull_request') return `repo:${claims.repository}:pull_request`;
  return `repo:${claims.repository}:ref:${claims.ref ?? 'refs/heads/main'}`;
}

export function githubTokenClaims(input: GithubJobClaims): GithubTokenClaims {
  if (!/^[^/\s]+\/[^/\s]+$/.test(input.repository)) {
    throw new Error(`ID token claims: repository: got '${input.repository}'; expected owner/name`);
  }
  const owner = input.repository_owner ?? input.repository.split('/')[0] ?? '';
  const ref = input.ref ?? 'refs/heads/main';
  const sha = input.sha ?? '0'.repeat(40);
  const workflowRef = input.workflow_ref ?? `${input.repository}/.github/workflows/build.yml@${ref}`;
  const actor = input.actor ?? owner;
  const claims: GithubTokenClaims = {
    jti: randomUUID(),
    sub: input.sub ?? defaultSubject(input),
    ref,
    sha,
    repository: input.repository,
    repository_owner: owner,
    repository_owner_id: numericId(owner),
    repository_id: numericId(input.repository),
    repository_visibility: 'private',
    run_id: input.run_id ?? '1',
    run_number: input.run_number ?? '1',
    run_attempt: input.run_attempt ?? '1',
    actor,
    actor_id: numericId(`actor/${actor}`),
    workflow: input.workflow ?? 'build',
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: input.job_workflow_ref ?? workflowRef,
    job_workflow_sha: sha,
    head_ref: input.head_ref ?? '',
    base_ref: input.base_ref ?? '',
    event_name: input.event_name ?? 'push',
    ref_type: input.ref_type ?? (ref.startsWith('refs/tags/') ? 'tag' : 'branch'),
    ref_protected: 'false',
    runner_environment: 'self-hosted',
  };
  if (input.environment !== undefined) claims.environment = input.environment;
  return claims;
}
