// GitHub REST API error bodies as api.github.com sends them: `message`, `documentation_url`,
// `status` (a string), and `errors` on 422/409 validation failures.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/server.ts';

export const DOCS = 'https://docs.github.com/rest';
export const DEPLOYMENT_DOCS = 'https://docs.github.com/rest/deployments/deployments#create-a-deployment';
export const STATUS_DOCS = 'https://docs.github.com/rest/deployments/statuses#create-a-deployment-status';

export interface GithubFieldError {
  resource: string;
  /** `missing_field`, `invalid`, `custom`, ... */
  code: string;
  field: string;
  message?: string;
  /** on a 409 for failed commit status checks: the contexts that did not pass */
  contexts?: { context: string; state: string }[];
}

export interface GithubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: GithubFieldError[];
}

export class GithubApiError extends Error {
  readonly status: number;
  readonly body: GithubErrorBody;
  constructor(status: number, message: string, documentationUrl: string = DOCS, errors?: GithubFieldError[]) {
    super(message);
    this.name = 'GithubApiError';
    this.status = status;
    this.body = {
      message,
      documentation_url: documentationUrl,
      status: String(status),
      ...(errors ? { errors } : {}),
    };
  }
}

export function validationFailed(errors: GithubFieldError[], documentationUrl: string): GithubApiError {
  return new GithubApiError(422, 'Validation Failed', documentationUrl, errors);
}

export function sendGithubError(res: ServerResponse, error: GithubApiError): void {
  sendJson(res, error.status, error.body, { 'x-github-media-type': 'github.v3; format=json' });
}
