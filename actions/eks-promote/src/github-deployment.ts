// The GitHub deployment of a promotion (`github-deployment: true`): created before the cluster is
// touched (a failure to create it fails the step with nothing changed), `in_progress` while the
// rollout runs, and always a final status: `success`, `failure` (saying whether it was rolled
// back), or `error` when the promotion was cancelled or broke outside the rollout. A status that
// cannot be posted is a warning: the step's result stays the rollout's result.
import { errorMessage, type Logger, retry } from '@bakeline/toolkit';
import { type CreateStatusBody, type GithubApi, GithubRequestError } from './github-api.ts';

export interface GithubRunContext {
  apiUrl: string;
  serverUrl: string;
  /** owner/name */
  repository: string;
  sha: string;
  runId: string;
  /** the job's check run id (`job.check_run_id`): log_url then names the job, not the run */
  jobId?: string;
}

export type DeploymentOutcome =
  | { state: 'success'; revision: number }
  | { state: 'failure'; rolledBack: boolean }
  | { state: 'cancelled' }
  | { state: 'error'; reason: string };

export interface OpenDeploymentOptions {
  api: GithubApi;
  context: GithubRunContext;
  environment: string;
  environmentUrl: string | undefined;
  image: string;
  digest: string;
  /** the commit that built the image (its revision label); the deployment's `ref` */
  ref: string;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

export function runContextFromEnv(env: NodeJS.ProcessEnv = process.env, jobId?: string): GithubRunContext {
  const read = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`github-deployment: ${name} is not set; it is set by the GitHub runner`);
    return value;
  };
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    repository: read('GITHUB_REPOSITORY'),
    sha: read('GITHUB_SHA'),
    runId: read('GITHUB_RUN_ID'),
    ...(jobId ? { jobId } : {}),
  };
}

/** The job's log page when its check run id is known (`/actions/runs/<run>/job/<id>`), else the run's. */
export function logUrl(context: GithubRunContext): string {
  const run = `${context.serverUrl.replace(/\/+$/, '')}/${context.repository}/actions/runs/${context.runId}`;
  return context.jobId ? `${run}/job/${context.jobId}` : run;
}

/** GitHub cuts nothing: a status description over 140 characters is a 422. */
function short(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

function retryable(error: unknown): 'retry' | 'stop' {
  if (!(error instanceof GithubRequestError)) return 'stop';
  return error.status === undefined || error.status >= 500 || error.status === 429 ? 'retry' : 'stop';
}

export class GithubDeployment {
  readonly id: number;
  readonly #options: OpenDeploymentOptions;
  readonly #logUrl: string;

  private constructor(id: number, options: OpenDeploymentOptions) {
    this.id = id;
    this.#options = options;
    this.#logUrl = logUrl(options.context);
  }

  /** Creates the deployment and posts `in_progress`. Throws when the deployment cannot be created. */
  static async open(options: OpenDeploymentOptions): Promise<GithubDeployment> {
    const { context, environment, digest } = options;
    let created: { status: number; data: Record<string, unknown> };
    try {
      created = await options.api.createDeployment(context.repository, {
        ref: options.ref,
        task: 'deploy',
        environment,
        auto_merge: false,
        required_contexts: [],
        payload: { digest, image: options.image },
        description: short(`bakeline eks-promote ${digest}`),
        transient_environment: false,
        production_environment: /^prod(uction)?$/i.test(environment),
      });
    } catch (error: unknown) {
      throw new Error(
        `GitHub deployment to ${environment} in ${context.repository} could not be created; nothing was promoted: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    const id = created.data.id;
    if (created.status !== 201 || typeof id !== 'number') {
      // 202: GitHub merged the default branch instead of deploying (auto_merge is false, so unexpected)
      throw new Error(
        `GitHub deployment to ${environment} in ${context.repository} was not created (${created.status}: ${String(created.data.message ?? 'no deployment in the answer')}); nothing was promoted`,
      );
    }
    const deployment = new GithubDeployment(id, options);
    options.logger.info(`GitHub deployment ${id} created for ${environment}`);
    await deployment.#post('in_progress', `Rolling out ${digest.slice(0, 19)} to ${environment}`, 3);
    return deployment;
  }

  /** Posts the final status. Never throws: a failure is a warning. */
  async finish(outcome: DeploymentOutcome): Promise<void> {
    const { environment, digest } = this.#options;
    const d = digest.slice(0, 19);
    switch (outcome.state) {
      case 'success':
        await this.#post('success', `${d} runs in ${environment} (revision ${outcome.revision})`, 3);
        return;
      case 'failure':
        await this.#post(
          'failure',
          outcome.rolledBack
            ? `Rollout of ${d} failed; rolled back, the previous revision runs again`
            : `Rollout of ${d} failed; nothing was rolled back`,
          3,
        );
        return;
      case 'cancelled':
        // the runner sends SIGTERM 7.5 s after SIGINT: one quick attempt
        await this.#post('error', `Cancelled; the rollout of ${d} was left where it was`, 1, 5_000);
        return;
      case 'error':
        await this.#post('error', `Promotion of ${d} failed: ${outcome.reason}`, 3);
        return;
    }
  }

  async #post(
    state: CreateStatusBody['state'],
    description: string,
    attempts: number,
    timeoutMs?: number,
  ): Promise<void> {
    const { api, context, environmentUrl, logger } = this.#options;
    const body: CreateStatusBody = {
      state,
      description: short(description),
      log_url: this.#logUrl,
      ...(state === 'success' && environmentUrl ? { environment_url: environmentUrl } : {}),
    };
    try {
      await retry(() => api.createStatus(context.repository, this.id, body, timeoutMs), {
        attempts,
        baseDelayMs: 500,
        maxDelayMs: 4_000,
        classify: retryable,
        ...(this.#options.sleep ? { sleep: this.#options.sleep } : {}),
      });
      logger.info(`GitHub deployment ${this.id}: ${state}`);
    } catch (error: unknown) {
      logger.warning(`GitHub deployment ${this.id}: the status '${state}' could not be posted: ${errorMessage(error)}`);
    }
  }
}
