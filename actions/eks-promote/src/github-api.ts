// GitHub's deployments API through @actions/github (Octokit): GITHUB_API_URL (GHES) as the base
// URL, the runner's proxy settings, the API version GitHub documents, one bounded timeout per
// request, and errors that say what was asked, what GitHub answered and what to check. The token
// goes only into Octokit's Authorization header, never into a message.
import { getOctokit } from '@actions/github';
import { errorMessage } from '@bakeline/toolkit';

export const GITHUB_API_VERSION = '2022-11-28';
const USER_AGENT = 'bakeline-eks-promote';
const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': GITHUB_API_VERSION };

export interface GithubApiOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  token: string;
  timeoutMs?: number;
}

export interface CreateDeploymentBody {
  ref: string;
  task: string;
  environment: string;
  auto_merge: boolean;
  required_contexts: string[];
  payload: Record<string, unknown>;
  description: string;
  transient_environment: boolean;
  production_environment: boolean;
}

export interface CreateStatusBody {
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  log_url: string;
  environment_url?: string;
}

interface GithubErrorBody {
  message?: string;
  errors?: {
    resource?: string;
    field?: string;
    code?: string;
    message?: string;
    contexts?: { context: string; state: string }[];
  }[];
}

export class GithubRequestError extends Error {
  /** HTTP status, or undefined when no answer came */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, cause?: unknown) {
    super(message, cause === undefined ? {} : { cause });
    this.name = 'GithubRequestError';
    this.status = status;
  }
}

function hint(status: number, repository: string): string {
  switch (status) {
    case 401:
      return '; the github-token input is not a valid token (expired, revoked or mistyped)';
    case 403:
      return '; the token may not write deployments: give the job `permissions: deployments: write`';
    case 404:
      return `; repository ${repository} is not visible to the token, or the deployment does not exist`;
    default:
      return '';
  }
}

function describeErrors(body: GithubErrorBody): string {
  const parts = (body.errors ?? []).map((e) => {
    const contexts = e.contexts?.map((c) => `${c.context}=${c.state}`).join(', ');
    return [e.field ?? e.resource, e.code, e.message, contexts && `contexts ${contexts}`].filter(Boolean).join(' ');
  });
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** Octokit's RequestError (or a network failure) as a message with the status and the hint. */
function explain(error: unknown, what: string, repository: string): GithubRequestError {
  const response = (error as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  if (response === undefined || typeof response.status !== 'number') {
    return new GithubRequestError(`${what} got no answer: ${errorMessage(error)}`, undefined, error);
  }
  const status = response.status;
  const body: GithubErrorBody =
    typeof response.data === 'object' && response.data !== null ? (response.data as GithubErrorBody) : {};
  const text = typeof response.data === 'string' ? response.data.slice(0, 200) : '';
  const message = body.message ?? (text || 'no message');
  return new GithubRequestError(
    `${what} answered ${status} ${message}${describeErrors(body)}${hint(status, repository)}`,
    status,
    error,
  );
}

function split(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

export class GithubApi {
  readonly #octokit: ReturnType<typeof getOctokit>;
  readonly #apiUrl: string;
  readonly #timeoutMs: number;

  constructor(options: GithubApiOptions) {
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#octokit = getOctokit(options.token, {
      baseUrl: this.#apiUrl,
      userAgent: USER_AGENT,
      // Octokit would print deprecation notices with console.warn; nothing here should print
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  /** POST /repos/{owner}/{repo}/deployments: 201 with the deployment, or 202 when GitHub merged instead. */
  async createDeployment(
    repository: string,
    body: CreateDeploymentBody,
  ): Promise<{ status: number; data: Record<string, unknown> }> {
    const what = `POST ${this.#apiUrl}/repos/${repository}/deployments`;
    try {
      const response = await this.#octokit.rest.repos.createDeployment({
        ...split(repository),
        ...body,
        headers: HEADERS,
        request: { signal: AbortSignal.timeout(this.#timeoutMs) },
      });
      return { status: response.status, data: response.data as unknown as Record<string, unknown> };
    } catch (error: unknown) {
      throw explain(error, what, repository);
    }
  }

  /** POST /repos/{owner}/{repo}/deployments/{id}/statuses. */
  async createStatus(
    repository: string,
    deploymentId: number,
    body: CreateStatusBody,
    timeoutMs?: number,
  ): Promise<void> {
    const what = `POST ${this.#apiUrl}/repos/${repository}/deployments/${deploymentId}/statuses`;
    try {
      await this.#octokit.rest.repos.createDeploymentStatus({
        ...split(repository),
        deployment_id: deploymentId,
        ...body,
        headers: HEADERS,
        request: { signal: AbortSignal.timeout(timeoutMs ?? this.#timeoutMs) },
      });
    } catch (error: unknown) {
      throw explain(error, what, repository);
    }
  }
}
