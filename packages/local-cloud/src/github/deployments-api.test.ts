import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type GithubDeploymentsApi, startGithubDeploymentsApi } from './deployments-api.ts';

const TOKEN = 'ghs_standInToken0123456789';
const SHA = '0123abc4567def890123abc4567def890123abcd';
const REPO = 'bakeline-dev/licensing-service';

let api: GithubDeploymentsApi;

beforeEach(async () => {
  api = await startGithubDeploymentsApi({
    repository: REPO,
    token: TOKEN,
    readOnlyTokens: ['ghs_readOnly'],
    commits: [SHA],
    refs: { main: SHA, 'feature-1': SHA },
    statusContexts: { build: 'success', lint: 'failure' },
    defaultBranchAhead: 'conflicts',
  });
});

afterEach(async () => {
  await api.close();
});

const HEADERS = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'content-type': 'application/json',
};

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...HEADERS, authorization: `Bearer ${TOKEN}`, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const GOOD = {
  ref: SHA,
  environment: 'dev',
  auto_merge: false,
  required_contexts: [],
  payload: { digest: 'sha256:ab' },
  description: 'promote',
  transient_environment: false,
  production_environment: false,
};

async function create(extra: Record<string, unknown> = {}): Promise<number> {
  const r = await call('POST', `/repos/${REPO}/deployments`, { ...GOOD, ...extra });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.id as number;
}

describe('GitHub deployments API stand-in', () => {
  test('creates a deployment in GitHub’s response shape and records it', async () => {
    const r = await call('POST', `/repos/${REPO}/deployments`, GOOD);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      id: 1,
      sha: SHA,
      ref: SHA,
      task: 'deploy',
      environment: 'dev',
      original_environment: 'dev',
      payload: { digest: 'sha256:ab' },
      transient_environment: false,
      production_environment: false,
      statuses_url: `${api.url}/repos/${REPO}/deployments/1/statuses`,
      creator: { login: 'github-actions[bot]' },
    });
    expect(api.deployments()).toHaveLength(1);
    expect(api.requests()[0]).toMatchObject({
      method: 'POST',
      status: 201,
      authScheme: 'Bearer',
      accept: 'application/vnd.github+json',
      apiVersion: '2022-11-28',
    });
    expect(JSON.stringify(api.requests())).not.toContain(TOKEN);
  });

  test.each([
    ['no Authorization header', { authorization: '' }, 401, 'Requires authentication'],
    ['a wrong token', { authorization: 'Bearer ghs_wrong' }, 401, 'Bad credentials'],
    ['a read-only token', { authorization: 'Bearer ghs_readOnly' }, 403, 'Resource not accessible by integration'],
    [
      'an unsupported API version',
      { 'x-github-api-version': '2020-01-01' },
      400,
      "API version '2020-01-01' is not supported.",
    ],
  ])('refuses %s', async (_what, headers, status, message) => {
    const r = await call('POST', `/repos/${REPO}/deployments`, GOOD, headers);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ message, status: String(status) });
    expect(r.json.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(api.deployments()).toHaveLength(0);
  });

  test.each([
    ['another repository', '/repos/bakeline-dev/other/deployments'],
    ['an unknown deployment', `/repos/${REPO}/deployments/99/statuses`],
    ['an unknown path', `/repos/${REPO}/deployment`],
  ])('answers 404 Not Found for %s', async (_what, path) => {
    const r = await call('POST', path, { state: 'success' });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ message: 'Not Found', status: '404' });
  });

  test.each([
    ['no ref', { ref: undefined }, [{ resource: 'Deployment', code: 'missing_field', field: 'ref' }]],
    ['a numeric ref', { ref: 42 }, [{ resource: 'Deployment', code: 'invalid', field: 'ref' }]],
    ['auto_merge as a string', { auto_merge: 'false' }, [{ code: 'invalid', field: 'auto_merge' }]],
    ['required_contexts not strings', { required_contexts: [1] }, [{ code: 'invalid', field: 'required_contexts' }]],
    ['a payload array', { payload: [1] }, [{ code: 'invalid', field: 'payload' }]],
    ['a payload string that is not JSON', { payload: '{' }, [{ code: 'invalid', field: 'payload' }]],
    ['transient_environment as a number', { transient_environment: 1 }, [{ field: 'transient_environment' }]],
    ['environment as an object', { environment: {} }, [{ field: 'environment' }]],
  ])('rejects a deployment with %s: 422 Validation Failed with errors', async (_what, change, errors) => {
    const r = await call('POST', `/repos/${REPO}/deployments`, { ...GOOD, ...change });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ message: 'Validation Failed', status: '422', errors });
    expect(api.deployments()).toHaveLength(0);
  });

  test('a body that is not JSON is 400 Problems parsing JSON', async () => {
    const r = await call('POST', `/repos/${REPO}/deployments`, '{"ref":');
    expect(r).toMatchObject({ status: 400, json: { message: 'Problems parsing JSON' } });
  });

  test('an unknown ref is 422 No ref found', async () => {
    const r = await call('POST', `/repos/${REPO}/deployments`, { ...GOOD, ref: 'f'.repeat(40) });
    expect(r).toMatchObject({ status: 422, json: { message: `No ref found for: ${'f'.repeat(40)}` } });
  });

  test('without required_contexts every commit status must pass: 409 naming the failing context', async () => {
    const { required_contexts: _, ...body } = GOOD;
    const r = await call('POST', `/repos/${REPO}/deployments`, body);
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({
      message: `Conflict: Commit status checks failed for ${SHA}.`,
      errors: [{ field: 'required_contexts', contexts: [{ context: 'lint', state: 'failure' }] }],
    });
    expect((await call('POST', `/repos/${REPO}/deployments`, { ...body, required_contexts: ['build'] })).status).toBe(
      201,
    );
  });

  test('auto_merge of a branch behind a conflicting default branch is 409; auto_merge false deploys it', async () => {
    const r = await call('POST', `/repos/${REPO}/deployments`, { ...GOOD, ref: 'feature-1', auto_merge: true });
    expect(r).toMatchObject({ status: 409, json: { message: 'Conflict merging main into feature-1.' } });
    expect((await call('POST', `/repos/${REPO}/deployments`, { ...GOOD, ref: 'feature-1' })).json).toMatchObject({
      sha: SHA,
      ref: 'feature-1',
    });
  });

  test('records statuses in order, log_url sets target_url, and the list answers newest first', async () => {
    const id = await create();
    const logUrl = 'https://github.com/bakeline-dev/licensing-service/actions/runs/7';
    expect(
      (await call('POST', `/repos/${REPO}/deployments/${id}/statuses`, { state: 'in_progress', log_url: logUrl }))
        .status,
    ).toBe(201);
    const done = await call('POST', `/repos/${REPO}/deployments/${id}/statuses`, {
      state: 'success',
      log_url: logUrl,
      environment_url: 'https://dev.example.com',
      description: 'done',
    });
    expect(done.status).toBe(201);
    expect(done.json).toMatchObject({
      state: 'success',
      target_url: logUrl,
      environment: 'dev',
      environment_url: 'https://dev.example.com',
    });
    expect(api.statuses(id).map((s) => s.state)).toEqual(['in_progress', 'success']);
    const listed = await fetch(`${api.url}/repos/${REPO}/deployments/${id}/statuses`, {
      headers: { ...HEADERS, authorization: `Bearer ${TOKEN}` },
    });
    expect(((await listed.json()) as { state: string }[]).map((s) => s.state)).toEqual(['success', 'in_progress']);
  });

  test.each([
    ['no state', {}, [{ code: 'missing_field', field: 'state' }]],
    ['an unknown state', { state: 'done' }, [{ code: 'invalid', field: 'state' }]],
    [
      'a description over 140 characters',
      { state: 'success', description: 'x'.repeat(141) },
      [{ field: 'description' }],
    ],
    ['a log_url that is not a URL', { state: 'success', log_url: 'not a url' }, [{ field: 'log_url' }]],
    ['auto_inactive as a string', { state: 'success', auto_inactive: 'no' }, [{ field: 'auto_inactive' }]],
  ])('rejects a status with %s: 422 with errors', async (_what, body, errors) => {
    const id = await create();
    const r = await call('POST', `/repos/${REPO}/deployments/${id}/statuses`, body);
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ message: 'Validation Failed', errors });
    expect(api.statuses(id)).toEqual([]);
  });

  test('a success marks the previous successful deployment of a non-production environment inactive', async () => {
    const first = await create();
    await call('POST', `/repos/${REPO}/deployments/${first}/statuses`, { state: 'success' });
    const second = await create();
    await call('POST', `/repos/${REPO}/deployments/${second}/statuses`, { state: 'success' });
    expect(api.statuses(first).map((s) => s.state)).toEqual(['success', 'inactive']);
    expect(api.statuses(second).map((s) => s.state)).toEqual(['success']);
  });

  test('an injected server error fails the next request to that route only', async () => {
    const id = await create();
    api.failNext('create-status', 503);
    expect((await call('POST', `/repos/${REPO}/deployments/${id}/statuses`, { state: 'in_progress' })).status).toBe(
      503,
    );
    expect((await call('POST', `/repos/${REPO}/deployments/${id}/statuses`, { state: 'in_progress' })).status).toBe(
      201,
    );
    expect(api.statuses(id)).toHaveLength(1);
  });

  test('a request without a User-Agent is refused with 403', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.url}/repos/${REPO}/deployments`, {
        method: 'GET',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
