// build.yml with a private base image in the local ECR: with `base-image-registry`, the build job
// assumes the push role through GitHub OIDC (configure-aws-credentials), logs in to ECR
// (amazon-ecr-login) and docker-bake pulls the base by digest with that login; without it, the
// registry refuses the anonymous pull and docker-bake says so. Only the build job matters here:
// platform-test is pointed at a spec that does not exist, so the run stops after build.
import { cpSync, globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pushImageToEcr } from '@bakeline/aws';
import { ensureBaseImage } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { readLayoutImage } from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';
import { httpIdTokenIssuer, loadEnvironments, runWorkflow } from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/licensing-service');
const REPOSITORY = 'bakeline-dev/licensing-service';
const BASE_REPOSITORY = 'bakeline-base/jre';

let cloud: LocalCloud;
let scratch: string;
let baseRef: string;
let secrets: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-base-login-'));
  cloud = await startLocalCloud({
    githubRepository: REPOSITORY,
    kube: false,
    log: () => {},
    pipelineIam: 'terraform-snapshot',
  });
  const base = await ensureBaseImage({ logger: silentLogger });
  // the private base image is the platform team's: pushed with the account's IAM user
  const creds = cloud.endpoints.credentials;
  secrets = [creds.secretAccessKey];
  // what the module's base_image_repository_arns adds to Terraform's push role (PullBaseImage)
  cloud.admin.iam.putRolePolicy('bakeline-ecr-push', 'pull-base-image', {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PullBaseImage',
        Effect: 'Allow',
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: `arn:aws:ecr:${cloud.endpoints.region}:${cloud.endpoints.accountId}:repository/${BASE_REPOSITORY}`,
      },
    ],
  });
  const pushed = await pushImageToEcr({
    image: await readLayoutImage(base.layoutDir, { digest: base.digest }),
    repository: BASE_REPOSITORY,
    tags: ['seed'],
    region: cloud.endpoints.region,
    credentials: async () => creds,
    ecrEndpoint: cloud.endpoints.ecr,
    createRepository: true,
    concurrency: 2,
    mask: () => {},
  });
  expect(pushed.digest).toBe(base.digest);
  baseRef = `${cloud.endpoints.registry.host}/${BASE_REPOSITORY}@${base.digest}`;
}, 600_000);

afterAll(async () => {
  await cloud?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The example service whose caller passes `extra` lines to build.yml, with its variables for the local cloud. */
function service(name: string, extra: string[]): { dir: string; environments: string } {
  const dir = join(scratch, name, 'licensing-service');
  mkdirSync(dir, { recursive: true });
  cpSync(example, dir, { recursive: true, filter: (src) => !src.includes(`${example}/target`) });
  const caller = join(dir, '.github/workflows/build.yml');
  const text = readFileSync(caller, 'utf8');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression in the caller file
  const anchor = '      base-image: ${{ vars.BAKELINE_BASE_IMAGE }}\n';
  if (!text.includes(anchor)) throw new Error(`${caller} does not pass base-image`);
  const lines = ['platform-test-spec: no-such-spec.yml', ...extra].map((l) => `      ${l}\n`).join('');
  writeFileSync(caller, text.replace(anchor, `${anchor}${lines}`));
  const environments = join(scratch, name, 'environments.yml');
  const kube = { clusterName: 'bakeline-local', eks: 'http://127.0.0.1:9' };
  writeEnvironmentsFile(
    join(example, '.github/environments.local.yml'),
    environments,
    { ...cloud.endpoints, kube },
    baseRef,
  );
  return { dir, environments };
}

async function build(name: string, extra: string[], event: 'push' | 'pull_request' = 'push') {
  const { dir, environments } = service(name, extra);
  const logs: string[] = [];
  const runDir = join(dir, '..', 'run');
  const outcome = await runWorkflow({
    workflow: join(dir, '.github/workflows/build.yml'),
    event,
    repoDir: dir,
    repository: REPOSITORY,
    environments: loadEnvironments(environments),
    idTokenIssuer: httpIdTokenIssuer(cloud.endpoints.oidc.idTokenGrantUrl),
    // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
    githubApi: { url: cloud.endpoints.github.apiUrl, token: cloud.endpoints.github.token },
    runDir,
    onEvent: (event) => {
      if (event.type === 'log') logs.push(event.line);
    },
  });
  const called = outcome.result.jobs[0]?.workflow;
  if (!called) throw new Error('the caller did not call build.yml');
  return {
    jobs: Object.fromEntries(called.jobs.map((job) => [job.id, job.result])),
    logs: logs.join('\n'),
    runDir,
  };
}

/** Requests for the base image's manifest at the registry front, with their status. */
function baseManifestRequests(): string[] {
  return cloud.admin
    .registryLog()
    .filter((entry) => entry.path.startsWith(`/v2/${BASE_REPOSITORY}/manifests/`))
    .map((entry) => `${entry.method} ${entry.status}`);
}

describe('build.yml with a private base image in ECR', () => {
  test('with base-image-registry the build job logs in through the push role and docker-bake pulls the base', async () => {
    const before = baseManifestRequests().length;
    const run = await build('login', [`base-image-registry: ${cloud.endpoints.registry.host}`]);
    expect(run.jobs.build, run.logs).toBe('success');
    expect(run.logs).toContain('through GitHub OIDC (local STS)');
    expect(run.logs).toContain(`logged in to ${cloud.endpoints.registry.host} (local ECR)`);
    expect(run.logs).toContain(`base image ${baseRef}`);
    const pulls = baseManifestRequests().slice(before);
    expect(pulls.filter((p) => /^(GET|HEAD) 200$/.test(p)).length).toBeGreaterThan(0);
    for (const secret of secrets) expect(run.logs).not.toContain(secret);
    // the login went to a docker config under the job's temp directory, and its password is masked
    const configs = globSync('**/docker-config/config.json', { cwd: run.runDir });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatch(/(^|\/)temp\/docker-config\/config\.json$/);
    const config = JSON.parse(readFileSync(join(run.runDir, configs[0] ?? ''), 'utf8')) as {
      auths: Record<string, { auth: string }>;
    };
    const auth = config.auths[cloud.endpoints.registry.host]?.auth ?? '';
    const password = Buffer.from(auth, 'base64').toString('utf8').replace(/^AWS:/, '');
    expect(password.length).toBeGreaterThan(20);
    expect(run.logs).not.toContain(password);
    expect(run.logs).not.toContain(auth);
  }, 300_000);

  test('without base-image-registry the anonymous pull is refused with a clear error', async () => {
    const before = baseManifestRequests().length;
    const run = await build('anonymous', []);
    expect(run.jobs.build).toBe('failure');
    expect(run.jobs['platform-test']).toBe('skipped');
    const pulls = baseManifestRequests().slice(before);
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.every((p) => / 401$/.test(p))).toBe(true);
    expect(run.logs).toMatch(
      new RegExp(`::error.*${BASE_REPOSITORY.replace('/', '\\/')}.*(401|credentials|unauthorized)`, 'i'),
    );
  }, 300_000);

  test('a pull request cannot assume the push role: STS refuses and the build fails before docker-bake', async () => {
    const before = baseManifestRequests().length;
    const run = await build('pull-request', [`base-image-registry: ${cloud.endpoints.registry.host}`], 'pull_request');
    expect(run.jobs.build).toBe('failure');
    expect(run.logs).toMatch(
      /error: Could not assume role \S+\/bakeline-ecr-push: the OIDC token's subject '[^']+:pull_request' is not allowed.*STS said: AccessDenied/,
    );
    expect(baseManifestRequests().slice(before)).toEqual([]);
  }, 300_000);

  test('a registry that is not an ECR host is refused in the first step, before anything is built', async () => {
    const run = await build('bad-registry', ['base-image-registry: registry.example.com']);
    expect(run.jobs.build).toBe('failure');
    expect(run.logs).toContain(
      "::error::input 'base-image-registry' is 'registry.example.com'; expected an ECR registry host, <account>.dkr.ecr.<region>.amazonaws.com",
    );
    expect(run.logs).not.toContain('through GitHub OIDC');
    expect(run.logs).not.toContain('mvn -B');
  }, 120_000);

  test('a base-image outside base-image-registry is refused in the first step', async () => {
    const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    const run = await build('outside-registry', [`base-image-registry: ${registry}`]);
    expect(run.jobs.build).toBe('failure');
    expect(run.logs).toContain(
      `::error::input 'base-image' is '${baseRef}'; expected an image of base-image-registry ${registry} (<registry>/<repository>@sha256:...)`,
    );
    expect(run.logs).not.toContain('through GitHub OIDC');
    expect(run.logs).not.toContain('mvn -B');
  }, 120_000);
});
