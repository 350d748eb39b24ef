// The local runner against the corpus in test/workflows/corpus/.github/workflows/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadEnvironments } from './environments.ts';
import type { EventName, IdTokenClaims } from './github-context.ts';
import { type RunOptions, runWorkflow } from './run.ts';
import type { JobResult, RunEvent, WorkflowResult } from './run-types.ts';

const corpus = resolve(import.meta.dirname, '../../../test/workflows/corpus');
const bakelineRoot = resolve(import.meta.dirname, '../../../test/workflows/fixtures/bakeline-root');
const environments = loadEnvironments(join(corpus, 'environments.yml'));

async function run(file: string, event: EventName, extra: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const outcome = await runWorkflow({
    workflow: join(corpus, '.github/workflows', file),
    event,
    repoDir: corpus,
    bakelineRoot,
    environments,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
  return { ...outcome, logs };
}

function machineJavaMajor(): string {
  const text = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr;
  const m = /version "(\d+)/.exec(text);
  if (m === null) throw new Error(`no java -version: ${text}`);
  return m[1] as string;
}

function job(result: WorkflowResult, id: string): JobResult {
  const found = result.jobs.find((j) => j.id === id);
  if (found === undefined) throw new Error(`no job ${id}`);
  return found;
}

function jobResults(result: WorkflowResult): Record<string, string> {
  return Object.fromEntries(result.jobs.map((j) => [j.id, j.result]));
}

describe('corpus workflows', () => {
  test('fromJSON drives if:, outputs and arithmetic', async () => {
    const config = JSON.stringify({ enabled: true, name: 'svc', items: ['a', 'b'], count: 41 });
    const { result } = await run('fromjson-01.yml', 'workflow_dispatch', { inputs: { config } });
    expect(result.result).toBe('success');
    expect(job(result, 'read').outputs).toEqual({ name: 'svc', second: 'b', count: '41' });
  });

  test('fromJSON false in a job if: skips the job', async () => {
    const { result } = await run('fromjson-01.yml', 'workflow_dispatch', { inputs: { config: '{"enabled":false}' } });
    expect(jobResults(result)).toEqual({ read: 'skipped' });
    expect(result.result).toBe('success');
  });

  test('always(), failure() and success() after a failing step and job', async () => {
    const { result } = await run('always-01.yml', 'push');
    expect(jobResults(result)).toEqual({
      breaks: 'failure',
      dependent: 'skipped',
      report: 'success',
      'on-failure': 'success',
    });
    expect(job(result, 'breaks').outputs).toEqual({ cleanup: 'yes', after: 'skipped', 'on-failure': 'yes' });
    expect(job(result, 'report').outputs).toEqual({ seen: 'failure' });
    expect(result.result).toBe('failure');
  });

  test.each([
    ['push' as const, {}, { 'on-push': 'success', 'on-dispatch': 'skipped' }, { kind: 'main-push' }],
    ['workflow_dispatch' as const, { flag: 'true' }, { 'on-push': 'skipped', 'on-dispatch': 'success' }, {}],
  ])('bare if: on %s', async (event, inputs, jobs, pushOutputs) => {
    const { result } = await run('bare-if-01.yml', event, { inputs });
    expect(jobResults(result)).toEqual(jobs);
    expect(job(result, 'on-push').outputs).toEqual(pushOutputs);
    if (event === 'workflow_dispatch') expect(job(result, 'on-dispatch').outputs).toEqual({ flag: 'true' });
  });

  test('a reusable workflow gets typed inputs and a secret, and its workflow_call outputs reach needs', async () => {
    const { result } = await run('call-01.yml', 'workflow_dispatch', { inputs: { who: 'bob' } });
    expect(result.result).toBe('success');
    const call = job(result, 'call');
    expect(call.workflow?.inputs).toEqual({ who: 'bob', times: 2, shout: true });
    expect(call.outputs).toEqual({
      greeting: 'HELLO BOB!HELLO BOB!',
      'token-length': String('corpus-deploy-token'.length),
    });
    expect(job(result, 'use').outputs).toEqual({ greeting: 'HELLO BOB!HELLO BOB!', length: '19', result: 'success' });
  });

  test('secrets: inherit passes the caller secrets; defaults apply', async () => {
    const { result } = await run('inherit-01.yml', 'push');
    const call = job(result, 'call');
    expect(call.workflow?.inputs).toEqual({ who: 'inherit', times: 1, shout: false });
    expect(call.outputs.greeting).toBe('hello inherit!');
    expect(call.outputs['token-length']).toBe('0');
  });

  test('needs outputs travel along a chain, heredoc values included', async () => {
    const { result } = await run('needs-outputs-01.yml', 'push');
    expect(job(result, 'third').outputs).toEqual({ summary: '1+2', lines: 'one\ntwo', missing: 'true' });
  });

  test('env precedence: workflow < job < GITHUB_ENV < step', async () => {
    const { result } = await run('env-precedence-01.yml', 'push');
    expect(job(result, 'show').outputs).toEqual({
      a: 'workflow',
      b: 'job',
      c: 'exported',
      d: 'step',
      'context-c': 'exported',
    });
  });

  test('a failing step fails the job and stops the jobs that need it; continue-on-error does not', async () => {
    const { result, logs } = await run('failure-01.yml', 'push');
    expect(jobResults(result)).toEqual({ tolerant: 'success', strict: 'failure', after: 'skipped' });
    expect(job(result, 'tolerant').outputs).toEqual({ outcome: 'failure', conclusion: 'success' });
    expect(job(result, 'strict').steps.map((s) => s.conclusion)).toEqual(['failure', 'skipped']);
    expect(logs).toContain('about to fail');
    expect(logs).not.toContain('never printed');
    expect(result.result).toBe('failure');
  });

  test('working-directory: job default over workflow default, step over both', async () => {
    const { result } = await run('working-directory-01.yml', 'push');
    expect(job(result, 'where').outputs).toEqual({ 'job-default': 'nested', 'step-own': 'data', content: 'hello' });
  });

  test('an environment with protection rules is refused without --approve', async () => {
    const { result, logs } = await run('environments-01.yml', 'workflow_dispatch');
    expect(jobResults(result)).toEqual({ open: 'success', gated: 'failure' });
    expect(job(result, 'gated').error).toMatch(
      /environment 'prod' has protection rules .* run again with --approve prod/,
    );
    expect(job(result, 'open').outputs).toEqual({ cluster: 'dev-cluster', shared: 'repo-level' });
    expect(logs).toContain('password is ***');
    expect(logs.join('\n')).not.toContain('dev-db-password');
  });

  test('an approved environment runs with its vars', async () => {
    const { result } = await run('environments-01.yml', 'workflow_dispatch', { approve: ['prod'] });
    expect(jobResults(result)).toEqual({ open: 'success', gated: 'success' });
    expect(job(result, 'gated').outputs).toEqual({ cluster: 'prod-cluster' });
    expect(job(result, 'gated').environment).toBe('prod');
  });

  test('the deployment branch policy refuses other refs even when approved', async () => {
    const { result } = await run('environments-01.yml', 'workflow_dispatch', {
      approve: ['prod'],
      ref: 'refs/heads/topic',
    });
    expect(job(result, 'gated').error).toMatch(/does not allow deployments from refs\/heads\/topic/);
  });

  test('artifacts go from one job to another through the local store; hidden files stay out', async () => {
    const { result, artifactsDir } = await run('artifacts-01.yml', 'push');
    expect(result.result).toBe('success');
    expect(job(result, 'use').outputs.files).toBe('./a.txt ./sub/b.txt ');
    expect(job(result, 'make').outputs.id).toBe('1');
    expect(readFileSync(join(artifactsDir, 'bundle', 'files', 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  test('a second upload under the same name fails', async () => {
    const { result } = await run('artifacts-02.yml', 'push');
    expect(job(result, 'twice').steps.map((s) => s.conclusion)).toEqual(['success', 'success', 'failure']);
    expect(job(result, 'twice').steps[2]?.error).toMatch(/an artifact named 'same' already exists/);
  });

  test("bakeline's actions run from dist with pre and post; ./ actions run from the workspace", async () => {
    const { result, logs } = await run('actions-01.yml', 'push');
    const act = job(result, 'act');
    expect(act.outputs).toEqual({ echoed: 'hi push', 'pre-ran': 'yes', local: '42' });
    expect(act.summary).toContain('echo post ran (state started=yes)');
    expect(act.steps[1]?.mappedTo).toMatch(/^actions\/echo\/dist/);
    expect(job(result, 'broken').result).toBe('failure');
    expect(job(result, 'broken').summary).toContain('echo post ran');
    expect(logs).toContain('echo: hi push');
  });

  test('hashFiles hashes the matched files as the runner does', async () => {
    const { result } = await run('hashfiles-01.yml', 'push');
    const files = ['data/greeting.txt', 'data/nested/one.txt'].map((f) => join(corpus, f)).sort();
    const all = createHash('sha256');
    for (const f of files) all.update(createHash('sha256').update(readFileSync(f)).digest());
    expect(job(result, 'hash').outputs).toEqual({ data: all.digest('hex'), none: '' });
  });

  test('a nested job may not ask for more permissions than its caller grants', async () => {
    const { result } = await run('permissions-01.yml', 'push');
    const call = job(result, 'call');
    expect(call.workflow?.jobs[0]?.error).toMatch(
      /nested job 'deploy' is requesting 'id-token: write', but is only allowed 'id-token: none'/,
    );
    expect(result.result).toBe('failure');
  });

  test("with a GitHub API stand-in, only a job granted attestations: write holds the stand-in's token", async () => {
    const { result, logs } = await run('github-api-01.yml', 'push', {
      githubApi: { url: 'http://127.0.0.1:1', token: 'ghs_stand_in_token' },
    });
    expect(result.result).toBe('success');
    expect(logs).toContain('api=http://127.0.0.1:1 token=true');
    expect(logs).toContain('api=http://127.0.0.1:1 token=false');
    expect(logs.filter((l) => l.includes('token=true'))).toHaveLength(1);
  });

  test('with id-token: write the job gets a token endpoint for its environment sub', async () => {
    const seen: IdTokenClaims[] = [];
    const { result, logs } = await run('oidc-01.yml', 'push', {
      repository: 'acme/licensing-service',
      idTokenIssuer: {
        requestFor: async (claims) => {
          seen.push(claims);
          return { requestUrl: 'http://127.0.0.1:1/token?x=1', requestToken: 'request-token-123' };
        },
      },
    });
    expect(result.result).toBe('success');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      sub: 'repo:acme/licensing-service:environment:dev',
      environment: 'dev',
      job_workflow_ref: 'acme/licensing-service/.github/workflows/needs-oidc-01.yml@refs/heads/main',
    });
    expect(logs).toContain('url=http://127.0.0.1:1/token?x=1');
  });

  test('a job output holding a secret is dropped and the log is masked', async () => {
    const { result, logs } = await run('secrets-mask-01.yml', 'push');
    expect(job(result, 'leak').outputs).toEqual({ fine: 'ok' });
    expect(logs).toContain("warning: Skip output 'leaked' since it may contain secret.");
    expect(logs).toContain('the secret is ***');
  });

  test('stop-commands keeps a logged ::add-mask:: from acting until its token (with digits) resumes', async () => {
    const { result, logs } = await run('stop-commands-01.yml', 'push');
    expect(result.result).toBe('success');
    expect(logs).toContain('PORT=8080 in the log');
    expect(logs).toContain('this is ***');
  });

  test('::add-mask:: values are unescaped (%25, %0A) and every runner command form registers one', async () => {
    const { result, logs } = await run('add-mask-01.yml', 'push');
    expect(result.result).toBe('success');
    expect(logs).toEqual(expect.arrayContaining(['first ***', 'second ***', 'third ***', 'fourth ***']));
    expect(logs.join('\n')).not.toMatch(/pa%ss|line-two|nel-secret|legacy-secret/);
  });

  test("actions/setup-java gives the machine's JDK when the major matches", async () => {
    const machine = machineJavaMajor();
    const { result } = await run('setup-java-01.yml', 'workflow_dispatch', { inputs: { 'java-version': machine } });
    expect(result.result).toBe('success');
    expect(job(result, 'java').outputs.version).toMatch(new RegExp(`^${machine}\\.`));
    expect(job(result, 'java').outputs.home).toMatch(/\/jvm\//);
  });

  test('actions/setup-java with another major fails clearly, naming the JDK the machine has', async () => {
    const other = String(Number(machineJavaMajor()) + 4);
    const { result } = await run('setup-java-01.yml', 'workflow_dispatch', { inputs: { 'java-version': other } });
    expect(result.result).toBe('failure');
    expect(job(result, 'java').steps[0]?.error).toMatch(
      new RegExp(
        `^actions/setup-java: java-version '${other}' is not on this machine: the local runner uses the machine's JDK, ${machineJavaMajor()}\\.`,
      ),
    );
    expect(job(result, 'java').steps[1]?.outcome).toBe('skipped');
  });

  test('workflow_dispatch inputs are typed; github.event.inputs are text', async () => {
    const { result } = await run('inputs-01.yml', 'workflow_dispatch', {
      inputs: { environment: 'test', 'dry-run': 'false' },
    });
    expect(job(result, 'show').outputs).toEqual({
      environment: 'test',
      'dry-run': 'false',
      'is-bool': 'false',
      'event-dry-run': 'false',
      'replicas-more-than-one': 'true',
    });
  });
});

describe('errors instead of silent differences', () => {
  test.each([
    ['unsupported-01.yml', 'push', {}, /key 'strategy' is not supported by the local runner/],
    ['unsupported-04.yml', 'push', {}, /key 'container' is not supported by the local runner/],
    ['invalid-01.yml', 'push', {}, /invalid-01.yml \(Line: 6, Col: 5\): Unexpected value 'bogus'/],
    ['invalid-02.yml', 'push', {}, /Job 'two' depends on unknown job 'nowhere'/],
    ['fromjson-01.yml', 'push', {}, /does not run on 'push'/],
    [
      'inputs-01.yml',
      'workflow_dispatch',
      { environment: 'staging' },
      /input 'environment': got "staging"; expected one of dev, test, prod/,
    ],
    ['inputs-01.yml', 'workflow_dispatch', {}, /input 'environment' is required/],
    [
      'inputs-01.yml',
      'workflow_dispatch',
      { environment: 'dev', 'dry-run': 'yes' },
      /input 'dry-run': got "yes"; expected a boolean/,
    ],
    ['inputs-01.yml', 'workflow_dispatch', { environment: 'dev', colour: 'red' }, /input 'colour' is not defined/],
    ['always-01.yml', 'push', { x: '1' }, /--input is only for workflow_dispatch and workflow_call/],
  ] as const)('%s on %s with %j fails before running', async (file, event, inputs, message) => {
    await expect(run(file, event, { inputs })).rejects.toThrow(message);
  });

  test.each([
    ['unsupported-02.yml', /Unrecognized named-value: 'matrix'/],
    ['unsupported-03.yml', /uses: docker\/setup-qemu-action@v3: no local mapping/],
  ])('%s fails its step with a clear error', async (file, message) => {
    const { result } = await run(file, 'push');
    expect(result.result).toBe('failure');
    expect(result.jobs[0]?.steps[0]?.error).toMatch(message);
  });
});
