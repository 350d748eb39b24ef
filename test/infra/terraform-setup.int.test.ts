// The main job's setup of a new local cloud (scripts/main/terraform-setup.ts): the cloud starts
// with no pipeline roles (`pipelineIam: 'terraform'`), `terraform apply` of the example root module
// creates them with the real terraform and the hashicorp/aws provider from the machine's mirror,
// and then:
//   - a second `terraform plan -detailed-exitcode` answers 0 (no changes);
//   - the pipeline's OIDC role assumptions are evaluated against the trust policies Terraform
//     created: a prod job may assume the prod deploy role, a test job may not;
//   - after the cloud stops and starts again on the same state, nothing is applied again, the
//     outputs are the same and the plan still shows no changes: the saved state kept everything
//     Terraform made (roles, inline policies, tags, the repository's settings, access entries).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webIdentityCredentials } from '@bakeline/aws';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTerraformSetup, type TerraformCloud, type TerraformSetup } from '../../scripts/main/terraform-setup.ts';

const root = join(import.meta.dirname, '..', '..');
const NAMESPACES = ['dev', 'test', 'prod'];
const TIMEOUT = 900_000;

let temp: string;
let cloud: LocalCloud | undefined;
const timings: Record<string, number> = {};

async function start(): Promise<LocalCloud> {
  const started = Date.now();
  cloud = await startLocalCloud({
    stateDir: join(temp, 'cloud'),
    pipelineIam: 'terraform',
    namespaces: NAMESPACES,
    node: false,
  });
  timings[timings.start === undefined ? 'start' : 'restart'] = Date.now() - started;
  return cloud;
}

function terraformCloud(c: LocalCloud): TerraformCloud {
  const kube = c.endpoints.kube as { clusterName: string; eks: string };
  return { ...c.endpoints, kube: { clusterName: kube.clusterName, eks: kube.eks } };
}

/** The pipeline's own path to a role: a job's OIDC token in `environment`, then STS. */
async function assume(c: LocalCloud, roleArn: string, environment: string): Promise<string> {
  const credentials = webIdentityCredentials({
    roleArn,
    sessionName: 'promote',
    region: c.endpoints.region,
    stsEndpoint: c.endpoints.sts,
    idToken: () => c.admin.issueIdToken({ environment }),
    mask: () => {},
    attempts: 1,
  });
  try {
    const got = await credentials();
    return `ok ${got.accessKeyId.slice(0, 4)}`;
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
}

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'bakeline-tf-setup-'));
});

afterAll(async () => {
  await cloud?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
  process.stderr.write(`terraform setup timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('the local cloud set up by terraform apply of the example', () => {
  let first: TerraformSetup;

  it(
    'applies on a new state; a second plan shows no changes; trust is what Terraform wrote',
    async () => {
      const c = await start();
      expect(Object.keys(c.endpoints.roles)).toEqual(['bakeline-eks-node']);
      const started = Date.now();
      first = await ensureTerraformSetup({
        root,
        stateDir: join(temp, 'cloud'),
        cloud: terraformCloud(c),
        workload: 'licensing-service',
        cloudIsNew: true,
      });
      timings.setup = Date.now() - started;
      expect(first.applied).toBe(true);
      timings.apply = first.applyMs ?? -1;
      const prodRole = first.outputs.environmentVariables.prod?.BAKELINE_DEPLOY_ROLE ?? '';
      expect(prodRole).toBe(`arn:aws:iam::${c.endpoints.accountId}:role/bakeline-deploy-prod`);
      expect(first.outputs.repositoryVariables.BAKELINE_PUSH_ROLE).toBe(
        `arn:aws:iam::${c.endpoints.accountId}:role/bakeline-ecr-push`,
      );
      expect(first.outputs.environmentVariables.test?.BAKELINE_SOURCE_ROLE).toBe(
        `arn:aws:iam::${c.endpoints.accountId}:role/bakeline-source-test`,
      );

      const planStarted = Date.now();
      const plan = await first.plan();
      timings.plan = Date.now() - planStarted;
      expect(plan.exitCode, `${plan.stdout.slice(-3000)}\n${plan.stderr}`).toBe(0);
      expect(plan.stdout).toContain('No changes.');

      expect(await assume(c, prodRole, 'prod')).toBe('ok ASIA');
      const denied = await assume(c, prodRole, 'test');
      expect(denied).toContain(prodRole);
      expect(denied).toContain('Not authorized to perform sts:AssumeRoleWithWebIdentity');

      // the access entries are Terraform's: Edit in the role's namespace only
      const entries = (c.admin.kube as { accessEntries(): { principalArn: string; accessPolicies?: unknown[] }[] })
        .accessEntries()
        .map((e) => e.principalArn)
        .sort();
      expect(entries).toEqual(
        ['deploy-dev', 'deploy-prod', 'deploy-test', 'source-prod', 'source-test'].map(
          (n) => `arn:aws:iam::${c.endpoints.accountId}:role/bakeline-${n}`,
        ),
      );
    },
    TIMEOUT,
  );

  it(
    'keeps what Terraform made across a restart, and does not apply again',
    async () => {
      expect(first).toBeDefined();
      await cloud?.stop();
      cloud = undefined;
      const c = await start();
      const again = await ensureTerraformSetup({
        root,
        stateDir: join(temp, 'cloud'),
        cloud: terraformCloud(c),
        workload: 'licensing-service',
        cloudIsNew: false,
      });
      expect(again.applied).toBe(false);
      expect(again.outputs).toEqual(first.outputs);
      const plan = await again.plan();
      expect(plan.exitCode, `${plan.stdout.slice(-3000)}\n${plan.stderr}`).toBe(0);
      const prodRole = again.outputs.environmentVariables.prod?.BAKELINE_DEPLOY_ROLE ?? '';
      expect(await assume(c, prodRole, 'prod')).toMatch(/^ok /);
    },
    TIMEOUT,
  );

  it('refuses a saved cloud state that Terraform did not set up', async () => {
    const dir = join(temp, 'no-terraform');
    await expect(
      ensureTerraformSetup({
        root,
        stateDir: dir,
        cloud: terraformCloud(cloud as LocalCloud),
        workload: 'licensing-service',
        cloudIsNew: false,
      }),
    ).rejects.toThrow(`the local cloud in ${dir} was set up without Terraform`);
  });
});
