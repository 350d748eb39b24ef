// The `github` and `runner` contexts, the event payload, the runner's default environment
// variables, and the claims of the OIDC token a job may request.
import type { JsonValue } from './expressions.ts';

export type EventName = 'push' | 'pull_request' | 'workflow_dispatch' | 'workflow_call';
export const EVENTS: readonly EventName[] = ['push', 'pull_request', 'workflow_dispatch', 'workflow_call'];

/** What is fixed for the whole run (a called workflow sees its caller's `github` context). */
export interface RunGithub {
  repository: string;
  ref: string;
  sha: string;
  eventName: EventName;
  event: Record<string, JsonValue>;
  actor: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  workflow: string;
  workflowRef: string;
  headRef: string;
  baseRef: string;
  token: string;
}

export interface JobPlace {
  job: string;
  workspace: string;
  temp: string;
  toolCache: string;
  eventPath: string;
  /** The workflow file that defines the job: `owner/repo/path@ref` (the `job_workflow_ref` claim). */
  jobWorkflowRef: string;
}

export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

export function refType(ref: string): 'branch' | 'tag' | '' {
  if (ref.startsWith('refs/heads/')) return 'branch';
  if (ref.startsWith('refs/tags/')) return 'tag';
  return '';
}

export function eventPayload(
  gh: Pick<RunGithub, 'eventName' | 'ref' | 'sha' | 'repository' | 'headRef' | 'baseRef'>,
  inputs: Record<string, string>,
): Record<string, JsonValue> {
  const [owner = '', name = ''] = gh.repository.split('/');
  const repository = { full_name: gh.repository, name, owner: { login: owner } };
  switch (gh.eventName) {
    case 'push':
      return { ref: gh.ref, before: '0'.repeat(40), after: gh.sha, repository, head_commit: { id: gh.sha } };
    case 'pull_request':
      return {
        action: 'opened',
        number: 1,
        pull_request: { number: 1, head: { ref: gh.headRef, sha: gh.sha }, base: { ref: gh.baseRef } },
        repository,
      };
    case 'workflow_dispatch':
      return { inputs, ref: gh.ref, repository };
    case 'workflow_call':
      return { repository };
  }
}

export function githubContext(gh: RunGithub, place?: JobPlace): Record<string, JsonValue> {
  const [owner = ''] = gh.repository.split('/');
  return {
    repository: gh.repository,
    repository_owner: owner,
    ref: gh.ref,
    ref_name: refName(gh.ref),
    ref_type: refType(gh.ref),
    sha: gh.sha,
    event_name: gh.eventName,
    event: gh.event,
    actor: gh.actor,
    triggering_actor: gh.actor,
    run_id: gh.runId,
    run_number: gh.runNumber,
    run_attempt: gh.runAttempt,
    server_url: gh.serverUrl,
    api_url: gh.apiUrl,
    graphql_url: gh.graphqlUrl,
    workflow: gh.workflow,
    workflow_ref: gh.workflowRef,
    head_ref: gh.headRef,
    base_ref: gh.baseRef,
    token: gh.token,
    retention_days: '90',
    ...(place ? { job: place.job, workspace: place.workspace, event_path: place.eventPath } : {}),
  };
}

export function runnerContext(place: JobPlace): Record<string, JsonValue> {
  return {
    os: 'Linux',
    arch: 'X64',
    name: 'bakeline-local',
    environment: 'self-hosted',
    temp: place.temp,
    tool_cache: place.toolCache,
    debug: '',
  };
}

/** The runner's default variables (without the file-command paths, which each step sets). */
export function runnerEnv(gh: RunGithub, place: JobPlace, action: string): Record<string, string> {
  const [owner = ''] = gh.repository.split('/');
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: action,
    GITHUB_ACTOR: gh.actor,
    GITHUB_API_URL: gh.apiUrl,
    GITHUB_BASE_REF: gh.baseRef,
    GITHUB_EVENT_NAME: gh.eventName,
    GITHUB_EVENT_PATH: place.eventPath,
    GITHUB_GRAPHQL_URL: gh.graphqlUrl,
    GITHUB_HEAD_REF: gh.headRef,
    GITHUB_JOB: place.job,
    GITHUB_REF: gh.ref,
    GITHUB_REF_NAME: refName(gh.ref),
    GITHUB_REF_TYPE: refType(gh.ref),
    GITHUB_REPOSITORY: gh.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_RUN_ATTEMPT: gh.runAttempt,
    GITHUB_RUN_ID: gh.runId,
    GITHUB_RUN_NUMBER: gh.runNumber,
    GITHUB_SERVER_URL: gh.serverUrl,
    GITHUB_SHA: gh.sha,
    GITHUB_WORKFLOW: gh.workflow,
    GITHUB_WORKFLOW_REF: gh.workflowRef,
    GITHUB_WORKSPACE: place.workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'bakeline-local',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: place.temp,
    RUNNER_TOOL_CACHE: place.toolCache,
  };
}

/** Claims of the job's OIDC token, as GitHub issues them. */
export interface IdTokenClaims {
  sub: string;
  repository: string;
  repository_owner: string;
  ref: string;
  ref_type: string;
  sha: string;
  event_name: string;
  environment?: string;
  job_workflow_ref: string;
  workflow_ref: string;
  actor: string;
  run_id: string;
  run_attempt: string;
}

export function idTokenClaims(gh: RunGithub, place: JobPlace, environment: string | undefined): IdTokenClaims {
  const sub =
    environment !== undefined
      ? `repo:${gh.repository}:environment:${environment}`
      : gh.eventName === 'pull_request'
        ? `repo:${gh.repository}:pull_request`
        : `repo:${gh.repository}:ref:${gh.ref}`;
  const claims: IdTokenClaims = {
    sub,
    repository: gh.repository,
    repository_owner: gh.repository.split('/')[0] ?? '',
    ref: gh.ref,
    ref_type: refType(gh.ref),
    sha: gh.sha,
    event_name: gh.eventName,
    job_workflow_ref: place.jobWorkflowRef,
    workflow_ref: gh.workflowRef,
    actor: gh.actor,
    run_id: gh.runId,
    run_attempt: gh.runAttempt,
  };
  if (environment !== undefined) claims.environment = environment;
  return claims;
}

/** Gives a job the means to request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). */
export interface IdTokenIssuer {
  requestFor(claims: IdTokenClaims): Promise<{ requestUrl: string; requestToken: string }>;
}

/**
 * An issuer reached over HTTP: POST the claims as JSON to `endpoint`; the answer is
 * `{ "requestUrl": "...", "requestToken": "..." }` (what the job's ACTIONS_ID_TOKEN_REQUEST_* become).
 */
export function httpIdTokenIssuer(endpoint: string, fetchFn: typeof fetch = fetch): IdTokenIssuer {
  return {
    async requestFor(claims) {
      const response = await fetchFn(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(claims),
      });
      if (!response.ok) throw new Error(`ID-token endpoint ${endpoint}: HTTP ${response.status}`);
      const body = (await response.json()) as { requestUrl?: unknown; requestToken?: unknown };
      if (typeof body.requestUrl !== 'string' || typeof body.requestToken !== 'string') {
        throw new Error(`ID-token endpoint ${endpoint}: expected {requestUrl, requestToken}`);
      }
      return { requestUrl: body.requestUrl, requestToken: body.requestToken };
    },
  };
}
