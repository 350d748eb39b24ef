import { getOctokit } from '@actions/github';
import { type GithubDeploymentsApi, startGithubDeploymentsApi } from '@bakeline/local-cloud';
import type { Logger } from '@bakeline/toolkit';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GithubApi } from './github-api.ts';
import {
  type DeploymentOutcome,
  GithubDeployment,
  logUrl,
  type OpenDeploymentOptions,
  runContextFromEnv,
} from './github-deployment.ts';
import { deploymentRef } from './image-revision.ts';

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

async function restart(extra: { commits: string[] }): Promise<GithubDeploymentsApi> {
  await api.close();
  return startGithubDeploymentsApi({ repository: REPO, token: TOKEN, readOnlyTokens: ['ghs_read'], ...extra });
}

function options(overrides: Partial<OpenDeploymentOptions> = {}, token = TOKEN): OpenDeploymentOptions {
  return {
    api: new GithubApi({ apiUrl: api.url, token }),
    context: { apiUrl: api.url, serverUrl: 'https://github.com', repository: REPO, sha: SHA, runId: '77' },
    environment: 'test',
    environmentUrl: 'https://test.example.com',
    image: `registry.example/ostock/licensing-service@${DIGEST}`,
    digest: DIGEST,
    ref: SHA,
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

  test('log_url names the job when its check run id is given, the run otherwise', async () => {
    const o = options();
    expect(logUrl({ ...o.context, jobId: '51725241954' })).toBe(
      `https://github.com/${REPO}/actions/runs/77/job/51725241954`,
    );
    const deployment = await GithubDeployment.open({ ...o, context: { ...o.context, jobId: '51725241954' } });
    await deployment.finish({ state: 'success', revision: 2 });
    expect(api.statuses(deployment.id).map((s) => s.log_url)).toEqual([
      `https://github.com/${REPO}/actions/runs/77/job/51725241954`,
      `https://github.com/${REPO}/actions/runs/77/job/51725241954`,
    ]);
  });

  test('the deployment names the commit given as ref, not the dispatch SHA', async () => {
    const built = '1234567890abcdef1234567890abcdef12345678';
    api = await restart({ commits: [SHA, built] });
    const deployment = await GithubDeployment.open(options({ ref: built }));
    expect(api.deployments().find((d) => d.id === deployment.id)).toMatchObject({ ref: built, sha: built });
  });

  test('Octokit sends what GitHub documents: token auth, the API version, a User-Agent naming bakeline', async () => {
    const deployment = await GithubDeployment.open(options());
    await deployment.finish({ state: 'success', revision: 1 });
    for (const r of api.requests()) {
      expect(r).toMatchObject({ method: 'POST', authScheme: 'token', apiVersion: '2022-11-28', status: 201 });
      expect(r.accept).toBe('application/vnd.github+json');
      expect(r.userAgent).toMatch(/^bakeline-eks-promote octokit-core\.js\//);
    }
  });
});

describe('the ref of the deployment record', () => {
  const built = '1234567890abcdef1234567890abcdef12345678';
  test.each<[string, () => Promise<string | undefined>, string, RegExp | undefined]>([
    ['the revision label', async () => built, built, undefined],
    [
      'no label: GITHUB_SHA, with a warning',
      async () => undefined,
      SHA,
      /has no org\.opencontainers\.image\.revision label/,
    ],
    ['a label that is no SHA', async () => 'main; rm -rf /', SHA, /is not a commit SHA/],
    [
      'a registry that cannot be read',
      async () => {
        throw new Error('401 unauthorized');
      },
      SHA,
      /could not be read \(401 unauthorized\)/,
    ],
  ])('%s', async (_what, read, ref, warning) => {
    expect(await deploymentRef(`r.example/svc@${DIGEST}`, SHA, read, logger)).toBe(ref);
    const warnings = lines.filter((l) => l.startsWith('warning'));
    if (warning) {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
      expect(warnings[0]).not.toContain('rm -rf');
    } else expect(warnings).toEqual([]);
  });
});

describe('the deployments stand-in refuses what GitHub refuses, as Octokit sends it', () => {
  test('a status description over 140 characters and an unknown state are 422 Validation Failed', async () => {
    const deployment = await GithubDeployment.open(options());
    const client = new GithubApi({ apiUrl: api.url, token: TOKEN });
    await expect(
      client.createStatus(REPO, deployment.id, { state: 'success', description: 'x'.repeat(141), log_url: '' }),
    ).rejects.toThrow(/answered 422 Validation Failed \(description custom description is too long/);
    await expect(
      client.createStatus(REPO, deployment.id, {
        state: 'done' as 'success',
        description: '',
        log_url: 'https://github.com/x',
      }),
    ).rejects.toThrow(/answered 422 Validation Failed \(state invalid state is not one of/);
    expect(api.statuses(deployment.id).map((s) => s.state)).toEqual(['in_progress']);
  });

  test('an API version GitHub does not know is a 400, a ref it does not know a 422', async () => {
    const octokit = getOctokit(TOKEN, { baseUrl: api.url });
    await expect(
      octokit.rest.repos.createDeployment({
        owner: 'bakeline-dev',
        repo: 'licensing-service',
        ref: SHA,
        headers: { 'x-github-api-version': '2021-01-01' },
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: { data: { message: "API version '2021-01-01' is not supported." } },
    });
    await expect(
      octokit.rest.repos.createDeployment({ owner: 'bakeline-dev', repo: 'licensing-service', ref: 'f'.repeat(40) }),
    ).rejects.toMatchObject({ status: 422, response: { data: { message: `No ref found for: ${'f'.repeat(40)}` } } });
    expect(api.deployments()).toEqual([]);
  });
});
