import { type GithubDeploymentsApi, startGithubDeploymentsApi } from '@bakeline/local-cloud';
import type { Logger } from '@bakeline/toolkit';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GithubApi } from './github-api.ts';
import {
  type DeploymentOutcome,
  GithubDeployment,
  type OpenDeploymentOptions,
  runContextFromEnv,
} from './github-deployment.ts';

const TOKEN = 'ghs_unitTestToken000000000000000000000000';
const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const REPO = 'bakeline-dev/licensing-service';
const DIGEST = `sha256:${'d'.repeat(64)}`;

let api: GithubDeploymentsApi;
let lines: string[];

const logger: Logger = {
  info: (m) => lines.push(`info ${m}`),
  warning: (m) => lines.push(`warning ${m}`),
  error: (m) => lines.push(`error ${m}`),
  debug: () => {},
  group: (_name, fn) => fn(),
};

beforeEach(async () => {
  lines = [];
  api = await startGithubDeploymentsApi({
    repository: REPO,
    token: TOKEN,
    readOnlyTokens: ['ghs_read'],
    commits: [SHA],
  });
});

afterEach(async () => {
  await api.close();
});

function options(overrides: Partial<OpenDeploymentOptions> = {}, token = TOKEN): OpenDeploymentOptions {
  return {
    api: new GithubApi({ apiUrl: api.url, token }),
    context: { apiUrl: api.url, serverUrl: 'https://github.com', repository: REPO, sha: SHA, runId: '77' },
    environment: 'test',
    environmentUrl: 'https://test.example.com',
    image: `registry.example/ostock/licensing-service@${DIGEST}`,
    digest: DIGEST,
    logger,
    sleep: async () => {},
    ...overrides,
  };
}

async function openError(o: OpenDeploymentOptions): Promise<Error> {
  const outcome = await GithubDeployment.open(o).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof Error)) throw new Error('expected GithubDeployment.open to fail');
  return outcome;
}

describe('GitHub deployment of a promotion', () => {
  test.each<[string, DeploymentOutcome, string, RegExp]>([
    ['success', { state: 'success', revision: 4 }, 'success', /runs in test \(revision 4\)$/],
    ['failure, rolled back', { state: 'failure', rolledBack: true }, 'failure', /failed; rolled back/],
    ['failure, left', { state: 'failure', rolledBack: false }, 'failure', /failed; nothing was rolled back/],
    ['cancellation', { state: 'cancelled' }, 'error', /^Cancelled; the rollout of sha256:\w+ was left where it was$/],
    [
      'a broken promotion',
      { state: 'error', reason: 'x'.repeat(300) },
      'error',
      /^Promotion of sha256:d+ failed: x+…$/,
    ],
  ])('%s ends with one final status after in_progress', async (_what, outcome, state, description) => {
    const deployment = await GithubDeployment.open(options());
    await deployment.finish(outcome);
    const statuses = api.statuses(deployment.id);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', state]);
    expect(statuses[1]?.description).toMatch(description);
    expect(statuses[1]?.description.length).toBeLessThanOrEqual(140);
    expect(statuses[1]?.log_url).toBe(`https://github.com/${REPO}/actions/runs/77`);
    expect(statuses[1]?.environment_url).toBe(state === 'success' ? 'https://test.example.com' : '');
  });

  test('production_environment is true only for an environment named prod or production', async () => {
    for (const environment of ['prod', 'Production', 'preprod', 'dev']) {
      await GithubDeployment.open(options({ environment }));
    }
    expect(api.deployments().map((d) => [d.environment, d.production_environment])).toEqual([
      ['prod', true],
      ['Production', true],
      ['preprod', false],
      ['dev', false],
    ]);
  });

  test.each([
    ['a revoked token', 'ghs_revoked', /answered 401 Bad credentials; the github-token input is not a valid token/],
    [
      'a token without deployments: write',
      'ghs_read',
      /answered 403 Resource not accessible by integration; .*permissions: deployments: write/,
    ],
  ])('creation with %s throws naming what GitHub said and what to check', async (_what, token, message) => {
    const error = await openError(options({}, token));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /^GitHub deployment to test in bakeline-dev\/licensing-service could not be created; nothing was promoted: POST http:\/\/127\.0\.0\.1:\d+\/repos\/bakeline-dev\/licensing-service\/deployments /,
    );
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(token);
  });

  test('a creation GitHub answers with 500 is not retried (it is not idempotent) and fails', async () => {
    api.failNext('create-deployment', 500);
    await expect(GithubDeployment.open(options())).rejects.toThrow(/answered 500 Server Error/);
    expect(api.requests()).toHaveLength(1);
  });

  test('a repository the token cannot see is a 404 with a hint', async () => {
    const o = options();
    const error = await openError({
      ...o,
      context: { ...o.context, repository: 'bakeline-dev/other' },
    });
    expect(error.message).toMatch(/answered 404 Not Found; repository bakeline-dev\/other is not visible to the token/);
  });

  test('a final status that cannot be posted after 3 attempts is a warning, not a throw', async () => {
    const deployment = await GithubDeployment.open(options());
    api.failNext('create-status', 502, 3);
    await deployment.finish({ state: 'success', revision: 1 });
    expect(api.statuses(deployment.id).map((s) => s.state)).toEqual(['in_progress']);
    expect(
      api
        .requests()
        .slice(2)
        .map((r) => r.status),
    ).toEqual([502, 502, 502]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^warning GitHub deployment \d+: the status 'success' could not be posted: .*answered 502/),
    );
  });

  test('on cancellation the final status gets one attempt only', async () => {
    const deployment = await GithubDeployment.open(options());
    api.failNext('create-status', 503, 1);
    await deployment.finish({ state: 'cancelled' });
    expect(api.statuses(deployment.id).map((s) => s.state)).toEqual(['in_progress']);
    expect(lines.at(-1)).toMatch(/^warning .*the status 'error' could not be posted/);
  });

  test('the run context comes from the runner’s variables; a missing one is named', () => {
    expect(
      runContextFromEnv({
        GITHUB_REPOSITORY: REPO,
        GITHUB_SHA: SHA,
        GITHUB_RUN_ID: '5',
        GITHUB_API_URL: 'https://ghe.example/api/v3',
      }),
    ).toEqual({
      apiUrl: 'https://ghe.example/api/v3',
      serverUrl: 'https://github.com',
      repository: REPO,
      sha: SHA,
      runId: '5',
    });
    expect(() => runContextFromEnv({ GITHUB_SHA: SHA, GITHUB_RUN_ID: '5' })).toThrow(
      'github-deployment: GITHUB_REPOSITORY is not set',
    );
  });
});
