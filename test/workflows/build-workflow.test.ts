// The real build.yml and promote.yml, called by the real caller example, run through the local
// runner with the contract fixtures of the five actions (fixtures/contract-actions): the digest
// hand-off between jobs, pull requests that neither publish nor deploy, a tampered artifact that
// stops publish, failures that stop the chain, and promotions dev -> test -> prod with approval.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The runner is not a dependency of @bakeline/test (test/package.json is the lead's), hence the path.
import {
  type IdTokenClaims,
  type JobResult,
  loadEnvironments,
  type RunEvent,
  type RunOptions,
  runWorkflow,
  type WorkflowResult,
} from '@bakeline/workflow-runner';
import { beforeEach, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/licensing-service');

interface World {
  bakeline: string;
  service: string;
  registry: string;
  cluster: string;
  claims: IdTokenClaims[];
}

let world: World;

function makeWorld(): World {
  const base = mkdtempSync(join(tmpdir(), 'bakeline-wf-'));
  const bakeline = join(base, 'bakeline');
  cpSync(join(root, '.github/workflows'), join(bakeline, '.github/workflows'), { recursive: true });
  cpSync(join(root, 'test/workflows/fixtures/contract-actions'), join(bakeline, 'actions'), { recursive: true });
  const service = join(base, 'licensing-service');
  cpSync(join(example, '.github'), join(service, '.github'), { recursive: true });
  mkdirSync(join(service, 'k8s'), { recursive: true });
  writeFileSync(join(service, 'pom.xml'), '<project><artifactId>licensing-service</artifactId></project>\n');
  writeFileSync(join(service, 'platform-test.yml'), 'checks:\n  - name: health\n');
  writeFileSync(join(service, 'k8s/deployment.yaml'), 'kind: Deployment\n');
  writeFileSync(join(service, 'k8s/service.yaml'), 'kind: Service\n');
  return { bakeline, service, registry: join(base, 'registry'), cluster: join(base, 'cluster'), claims: [] };
}

async function run(workflow: string, event: RunOptions['event'], extra: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const outcome = await runWorkflow({
    workflow: join(world.service, '.github/workflows', workflow),
    event,
    repoDir: world.service,
    bakelineRoot: world.bakeline,
    environments: loadEnvironments(join(example, '.github/environments.local.yml')),
    env: {
      FIXTURE_REGISTRY: world.registry,
      FIXTURE_CLUSTER: world.cluster,
      // `gh attestation trusted-root`, which the deploy jobs call on github.com
      PATH: `${join(root, 'test/workflows/fixtures/contract-bin')}:${process.env.PATH ?? ''}`,
    },
    idTokenIssuer: {
      requestFor: async (claims) => {
        world.claims.push(claims);
        return { requestUrl: 'http://127.0.0.1:9/token', requestToken: 'fixture-request-token' };
      },
    },
    ...extra,
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { ...outcome, logs: events.flatMap((e) => (e.type === 'log' ? [e.line] : [])) };
}

function called(result: WorkflowResult): WorkflowResult {
  const nested = result.jobs[0]?.workflow;
  if (nested === undefined) throw new Error('the caller did not call a workflow');
  return nested;
}

function results(wf: WorkflowResult): Record<string, string> {
  return Object.fromEntries(wf.jobs.map((j: JobResult) => [j.id, j.result]));
}

function pushed(): string[] {
  return existsSync(world.registry) ? readdirSync(world.registry) : [];
}

function running(namespace: string): string | undefined {
  const file = join(world.cluster, namespace);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

beforeEach(() => {
  world = makeWorld();
});

describe('build.yml through the caller example', () => {
  test('a push builds, tests, publishes and deploys one digest to dev', async () => {
    const { result, logs } = await run('build.yml', 'push');
    // publish signs with the SBOM and the test result that travelled from build and platform-test
    expect(logs.some((l) => /attested with materials \S*@sha256:[0-9a-f]{64}, pkg:maven\//.test(l))).toBe(true);
    const build = called(result);
    expect(results(build)).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'success',
      'deploy-dev': 'success',
    });
    const digest = build.outputs.digest ?? '';
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(build.outputs['image-uri']).toBe(
      `000000000000.dkr.ecr.us-east-1.amazonaws.com/ostock/licensing-service@${digest}`,
    );
    expect(result.jobs[0]?.outputs).toEqual(build.outputs);
    expect(pushed()).toEqual([`ostock_licensing-service@${digest}`]);
    expect(running('dev')).toBe(build.outputs['image-uri']);
    // build holds id-token: write for the optional base-image login (base-image-registry), publish to push
    expect(world.claims.map((c) => c.sub)).toEqual([
      'repo:bakeline-dev/licensing-service:ref:refs/heads/main',
      'repo:bakeline-dev/licensing-service:ref:refs/heads/main',
      'repo:bakeline-dev/licensing-service:environment:dev',
    ]);
    expect(world.claims[0]?.job_workflow_ref).toBe('bakeline-dev/bakeline/.github/workflows/build.yml@v1');
    const job = (id: string) => build.jobs.find((j) => j.id === id);
    expect(job('build')?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job('publish')?.permissions).toEqual({ 'id-token': 'write', attestations: 'write' });
    expect(job('deploy-dev')?.environment).toBe('dev');
    expect(job('deploy-dev')?.concurrency).toEqual({
      group: 'bakeline-deploy-bakeline-dev/licensing-service-dev',
      cancelInProgress: false,
    });
    expect(build.concurrency).toEqual({
      group: 'bakeline-build-licensing-service-licensing-service-refs/heads/main',
      cancelInProgress: false,
    });
  });

  test('a pull request builds and tests but neither publishes nor deploys', async () => {
    const { result } = await run('build.yml', 'pull_request');
    const build = called(result);
    expect(results(build)).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'skipped',
      'deploy-dev': 'skipped',
    });
    expect(build.outputs['image-uri']).toBe('');
    expect(build.concurrency?.cancelInProgress).toBe(true);
    expect(pushed()).toEqual([]);
    expect(running('dev')).toBeUndefined();
  });

  test('an artifact tampered with between platform-test and publish stops publish; nothing is pushed', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'bakeline-wf-run-'));
    const { result, logs } = await run('build.yml', 'push', {
      runDir,
      onEvent: (e) => {
        if (e.type === 'job-end' && e.job.id === 'platform-test') {
          appendFileSync(join(runDir, 'artifacts/bakeline-oci-licensing-service/files/image.oci.tar'), 'x');
        }
      },
    });
    const build = called(result);
    expect(results(build)).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'failure',
      'deploy-dev': 'skipped',
    });
    // download-artifact warns (as the real one does) and the archive's digest check in ecr-push stops it
    expect(logs.join('\n')).toContain(
      "::warning::Artifact 'bakeline-oci-licensing-service' digest validation failed. Please verify the integrity of the artifact.",
    );
    expect(logs.join('\n')).toMatch(/digest mismatch: the archive is sha256:[0-9a-f]{64}, expected sha256:/);
    expect(pushed()).toEqual([]);
    expect(result.result).toBe('failure');
  });

  test('an image name with a / travels as a safely named artifact and deploys its last segment', async () => {
    const caller = join(world.service, '.github/workflows/build.yml');
    const text = readFileSync(caller, 'utf8');
    expect(text).toContain('      image-name: licensing-service\n');
    writeFileSync(
      caller,
      text.replace('      image-name: licensing-service\n', '      image-name: ostock/licensing-service\n'),
    );
    const { result, artifactsDir, logs } = await run('build.yml', 'push');
    const build = called(result);
    expect(results(build)).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'success',
      'deploy-dev': 'success',
    });
    expect(readdirSync(artifactsDir).sort()).toEqual([
      'bakeline-oci-ostock+licensing-service',
      'bakeline-oci-ostock+licensing-service-platform-test',
    ]);
    expect(running('dev')).toBe(build.outputs['image-uri']);
    expect(logs).toContain(`deployed ${build.outputs['image-uri']} to dev as licensing-service`);
  });

  test.each([['Licensing-Service'], ['team//svc'], ['../svc'], ['svc:latest']])(
    'image-name %j is refused in build, before anything is built',
    async (name) => {
      const caller = join(world.service, '.github/workflows/build.yml');
      const text = readFileSync(caller, 'utf8');
      writeFileSync(caller, text.replace('      image-name: licensing-service\n', `      image-name: "${name}"\n`));
      const { result, logs } = await run('build.yml', 'push');
      const build = called(result);
      const outcomes = build.jobs[0]?.steps.map((s) => s.outcome) ?? [];
      expect(outcomes[0]).toBe('failure');
      expect(new Set(outcomes.slice(1))).toEqual(new Set(['skipped']));
      expect(logs.join('\n')).toMatch(/::error::input 'image-name' is not a lowercase repository path/);
      expect(pushed()).toEqual([]);
    },
  );

  test('a caller without deploy-role is refused before any job runs', async () => {
    const caller = join(world.service, '.github/workflows/build.yml');
    const text = readFileSync(caller, 'utf8');
    const line = /^ {6}deploy-role: .*\n/m;
    expect(text).toMatch(line);
    writeFileSync(caller, text.replace(line, ''));
    const events: RunEvent[] = [];
    await expect(run('build.yml', 'push', { onEvent: (e) => events.push(e) })).rejects.toThrow(
      /^The workflow is not valid\. .*build\.yml \(Line: \d+, Col: \d+\): Input deploy-role is required, but not provided while calling\.$/,
    );
    expect(events.filter((e) => e.type === 'job-start')).toEqual([]);
    expect(pushed()).toEqual([]);
    expect(world.claims).toEqual([]);
  });

  test('a failing unit test stops the chain at build', async () => {
    writeFileSync(join(world.service, 'pom.xml'), '<project><failing-test/></project>\n');
    const { result } = await run('build.yml', 'push');
    expect(results(called(result))).toEqual({
      build: 'failure',
      'platform-test': 'skipped',
      publish: 'skipped',
      'deploy-dev': 'skipped',
    });
    expect(pushed()).toEqual([]);
  });

  test('a failing platform check stops the chain before publish', async () => {
    writeFileSync(join(world.service, 'platform-test.yml'), 'fail: true\n');
    const { result } = await run('build.yml', 'push');
    expect(results(called(result))).toEqual({
      build: 'success',
      'platform-test': 'failure',
      publish: 'skipped',
      'deploy-dev': 'skipped',
    });
    expect(pushed()).toEqual([]);
  });
});

describe('promote.yml through the caller example', () => {
  test('dev -> test -> prod runs one digest everywhere; prod needs approval', async () => {
    const { result: built } = await run('build.yml', 'push');
    const image = called(built).outputs['image-uri'];

    const toTest = await run('promote.yml', 'workflow_dispatch', {
      inputs: { environment: 'test', 'from-environment': 'dev' },
    });
    expect(toTest.result.result).toBe('success');
    expect(called(toTest.result).outputs.image).toBe(image);
    expect(running('test')).toBe(image);

    const refused = await run('promote.yml', 'workflow_dispatch', {
      inputs: { environment: 'prod', 'from-environment': 'test' },
    });
    expect(refused.result.result).toBe('failure');
    expect(called(refused.result).jobs[0]?.error).toMatch(/environment 'prod' has protection rules .*--approve prod/);
    expect(running('prod')).toBeUndefined();

    const toProd = await run('promote.yml', 'workflow_dispatch', {
      inputs: { environment: 'prod', 'from-environment': 'test' },
      approve: ['prod'],
    });
    expect(toProd.result.result).toBe('success');
    expect(running('prod')).toBe(image);
    expect(world.claims.at(-1)?.sub).toBe('repo:bakeline-dev/licensing-service:environment:prod');
    expect(called(toProd.result).jobs[0]?.concurrency).toEqual({
      group: 'bakeline-deploy-bakeline-dev/licensing-service-prod',
      cancelInProgress: false,
    });
  });

  test.each([
    [{ environment: 'prod', 'from-environment': 'dev' }, /environment 'prod' promotes from 'test' .* not from 'dev'/],
    [{ environment: 'test', image: 'registry/repo:latest' }, /image 'registry\/repo:latest' is not pinned by digest/],
    [{ environment: 'test' }, /give 'image' \(repo@sha256:\.\.\.\) or 'from-environment'/],
  ])('refuses %j before deploying', async (inputs, message) => {
    const { result, logs } = await run('promote.yml', 'workflow_dispatch', { inputs, approve: ['prod'] });
    expect(result.result).toBe('failure');
    expect(logs.join('\n')).toMatch(message);
    expect([running('dev'), running('test'), running('prod')]).toEqual([undefined, undefined, undefined]);
  });
});
