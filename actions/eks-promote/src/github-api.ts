// A minimal client of GitHub's REST API for deployments: the headers GitHub asks for, one
// bounded timeout per request, and errors that say what was asked, what GitHub answered and what
// to check. The token goes only into the Authorization header, never into a message.
import { errorMessage } from '@bakeline/toolkit';

export const GITHUB_API_VERSION = '2022-11-28';
const USER_AGENT = 'bakeline-eks-promote';

export interface GithubApiOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
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

export class GithubApi {
  readonly #options: GithubApiOptions;
  constructor(options: GithubApiOptions) {
    this.#options = options;
  }

  /** POSTs JSON to `path` (below the API URL) and returns the JSON answer of a 2xx. */
  async post(
    path: string,
    body: unknown,
    repository: string,
    timeoutMs?: number,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const doFetch = this.#options.fetch ?? fetch;
    const url = `${this.#options.apiUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.github+json',
          'x-github-api-version': GITHUB_API_VERSION,
          authorization: `Bearer ${this.#options.token}`,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs ?? this.#options.timeoutMs ?? 30_000),
      });
    } catch (error: unknown) {
      throw new GithubRequestError(`POST ${url} got no answer: ${errorMessage(error)}`, undefined, error);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // a proxy's HTML page: reported by status below
    }
    if (!response.ok) {
      const errorBody = json as GithubErrorBody;
      const message = errorBody.message ?? (text.slice(0, 200) || response.statusText);
      throw new GithubRequestError(
        `POST ${url} answered ${response.status} ${message}${describeErrors(errorBody)}${hint(response.status, repository)}`,
        response.status,
      );
    }
    return { status: response.status, json };
  }
}
