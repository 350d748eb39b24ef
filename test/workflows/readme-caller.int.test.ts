// The build caller of README.md's "Use it on GitHub", copied from the README as it is, in a copy
// of the example service, run through the local runner against a local cloud of its own (STS,
// ECR, EKS and Kubernetes on 127.0.0.1) with only the repository and environment variables the
// README lists: build, platform test, publish and deploy to dev all succeed, one digest through.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBaseImage } from '@bakeline/bake';
import { silentLogger } from '@bakeline/toolkit';
import { httpIdTokenIssuer, loadEnvironments, type RunEvent, runWorkflow } from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';
import { ensureLocalCloud, type MainCloud, stopLocalCloud } from '../../scripts/main/local-cloud.ts';
import {
  readmeBuildCaller,
  readmeEnvironmentVariables,
  readmeRepositoryVariables,
  referencedVariables,
} from './readme-caller.ts';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'examples/licensing-service');
const REPOSITORY = 'bakeline-dev/licensing-service';

let scratch: string;
let stateDir: string;
let cloud: MainCloud;
let baseImage: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-readme-caller-'));
  stateDir = join(scratch, 'local-cloud');
  cloud = await ensureLocalCloud(root, stateDir, REPOSITORY);
  const base = await ensureBaseImage({ logger: silentLogger });
  baseImage = `oci:${base.layoutDir}@${base.digest}`;
}, 600_000);

afterAll(async () => {
  if (stateDir) await stopLocalCloud(root, stateDir);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 180_000);

/** The example's variables for this cloud, keeping only the names the README lists. */
function readmeEnvironments(): string {
  const full = join(scratch, 'environments.full.yml');
  writeEnvironmentsFile(join(example, '.github/environments.local.yml'), full, cloud, baseImage);
  const config = loadEnvironments(full);
  const repositoryNames = readmeRepositoryVariables();
  const environmentNames = readmeEnvironmentVariables();
  const pick = (vars: Record<string, string>, names: string[]) =>
    Object.fromEntries(Object.entries(vars).filter(([name]) => names.includes(name)));
  const lines = ['vars:'];
  for (const [k, v] of Object.entries(pick(config.vars, repositoryNames))) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  lines.push('environments:');
  for (const [name, env] of config.environments) {
    lines.push(`  ${name}:`, '    vars:');
    for (const [k, v] of Object.entries(pick(env.vars, environmentNames)))
      lines.push(`      ${k}: ${JSON.stringify(v)}`);
    if (env.deploymentBranches !== undefined)
      lines.push(`    deployment-branches: ${JSON.stringify(env.deploymentBranches)}`);
  }
  const file = join(scratch, 'environments.readme.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('the caller of "Use it on GitHub"', () => {
  test('builds, tests, publishes and deploys to dev with only the variables the README lists', async () => {
    const caller = readmeBuildCaller();
    const service = join(scratch, 'licensing-service');
    mkdirSync(service, { recursive: true });
    cpSync(example, service, {
      recursive: true,
      filter: (src) => !src.startsWith(join(example, 'target')) && !src.startsWith(join(example, '.github/workflows')),
    });
    mkdirSync(join(service, '.github/workflows'), { recursive: true });
    writeFileSync(join(service, '.github/workflows/build.yml'), caller);
    const environments = loadEnvironments(readmeEnvironments());
    expect(Object.keys(environments.vars).sort()).toEqual(
      readmeRepositoryVariables().filter((name) => name in environments.vars),
    );
    for (const name of referencedVariables(caller)) expect(readmeRepositoryVariables()).toContain(name);

    const logs: string[] = [];
    const outcome = await runWorkflow({
      workflow: join(service, '.github/workflows/build.yml'),
      event: 'push',
      repoDir: service,
      repository: REPOSITORY,
      environments,
      idTokenIssuer: httpIdTokenIssuer(cloud.oidc.idTokenGrantUrl),
      // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
      githubApi: { url: cloud.github.apiUrl, token: cloud.github.token },
      runDir: join(scratch, 'run'),
      onEvent: (e: RunEvent) => {
        if (e.type === 'log') logs.push(e.line);
      },
    });
    const called = outcome.result.jobs[0]?.workflow;
    const jobs = Object.fromEntries((called?.jobs ?? []).map((j) => [j.id, j.result]));
    expect(jobs, logs.slice(-40).join('\n')).toEqual({
      build: 'success',
      'platform-test': 'success',
      publish: 'success',
      'deploy-dev': 'success',
    });
    const digest = called?.outputs.digest ?? '';
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(called?.outputs['image-uri']).toBe(`${cloud.registry.host}/ostock/licensing-service@${digest}`);
  }, 900_000);
});
