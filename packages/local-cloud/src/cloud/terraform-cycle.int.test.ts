// The example root module (infra/terraform/examples/licensing-service) applied with the real
// terraform and the real hashicorp/aws 5.100.0 provider (the machine's plugin mirror, in place,
// offline) against a running local cloud: apply, a second plan that shows no changes
// (`-detailed-exitcode` exit 0), an apply of a changed setting, destroy, and then the local
// cloud's own APIs (the AWS CLI for IAM and ECR, signed EKS requests) show nothing left.
// The IAM, ECR and EKS stand-ins refuse whatever they do not implement, so any call the provider
// makes that they do not serve fails the apply here.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { exec } from '@bakeline/toolkit';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerraformCliConfig, terraformEnv, writeCliConfig } from '../../../../scripts/terraform/cli-config.ts';
import { type LocalCloud, startLocalCloud } from './start-local-cloud.ts';

const AWS = '/usr/bin/aws';
const source = join(import.meta.dirname, '..', '..', '..', '..', 'infra', 'terraform');
const PREFIX = 'cycle-';
const REPOSITORY = 'cycle/licensing-service';
const TIMEOUT = 900_000;

let temp: string;
let config: TerraformCliConfig;
let cloud: LocalCloud;
const timings: Record<string, number> = {};
const example = () => join(temp, 'tree', 'examples', 'licensing-service');

function credentialsEnv(): Record<string, string> {
  const c = cloud.endpoints.credentials;
  return { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_REGION: 'us-east-1' };
}

/** terraform in the example's copy, with the project's CLI configuration; the exit code is returned. */
async function terraform(args: string[], step: string) {
  const started = Date.now();
  const env: Record<string, string | undefined> = {
    ...terraformEnv(config),
    ...credentialsEnv(),
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_CONFIG_FILE: join(temp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(temp, 'no-aws-credentials'),
    NO_COLOR: '1',
  };
  const result = await exec('terraform', args, { cwd: example(), env, timeoutMs: TIMEOUT });
  timings[step] = Date.now() - started;
  return result;
}

/** The AWS CLI against the local cloud's endpoint for `service`. */
async function aws(endpoint: string, ...args: string[]) {
  return exec(AWS, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: { PATH: '/usr/bin:/bin', HOME: temp, ...credentialsEnv() },
    timeoutMs: 60_000,
  });
}

/** A SigV4-signed GET to the local EKS API (the AWS CLI 2.9 predates access entries). */
async function eksGet(path: string): Promise<{ status: number; body: unknown }> {
  const eks = String(cloud.endpoints.kube?.eks);
  const url = new URL(path, eks);
  const c = cloud.endpoints.credentials;
  const signer = new SignatureV4({
    service: 'eks',
    region: cloud.endpoints.region,
    sha256: Sha256,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host },
  });
  const res = await fetch(url, { headers: signed.headers });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'bakeline-tf-cycle-'));
  config = writeCliConfig(join(temp, 'cli'));
  cpSync(source, join(temp, 'tree'), {
    recursive: true,
    filter: (path) => {
      const parts = relative(source, path).split(sep);
      return !parts.includes('.terraform') && !parts.some((p) => p.endsWith('.tfstate') || p.includes('.tfstate.'));
    },
  });
  const started = Date.now();
  // as the main job has it: nothing of the pipeline's but what this apply creates
  cloud = await startLocalCloud({ stateDir: join(temp, 'cloud'), pipelineIam: 'terraform', node: false });
  timings.startCloud = Date.now() - started;
  const e = cloud.endpoints;
  writeFileSync(
    join(example(), 'local.auto.tfvars.json'),
    JSON.stringify({
      aws_region: e.region,
      aws_endpoints: { iam: e.iam, sts: e.sts, ecr: e.ecr, eks: String(e.kube?.eks) },
      oidc_provider_url: e.oidc.issuer,
      // the local cloud registers its issuer as the account's provider; the module references it
      create_oidc_provider: false,
      github_repository: e.githubRepository,
      name_prefix: PREFIX,
      ecr_repository: REPOSITORY,
      force_delete_repository: true,
    }),
  );
  const init = await terraform(['init', '-input=false', '-no-color'], 'init');
  expect(init.exitCode, init.stderr).toBe(0);
}, TIMEOUT);

afterAll(async () => {
  await cloud?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
  process.stderr.write(`terraform cycle timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('terraform apply / plan / destroy of the example against the local cloud', () => {
  it(
    'applies, re-plans with no changes, updates in place, and destroys everything it made',
    async () => {
      const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], 'apply');
      expect(apply.exitCode, `${apply.stdout.slice(-3000)}\n${apply.stderr}`).toBe(0);
      expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);

      // what the apply made, seen through the APIs
      const role = await aws(cloud.endpoints.iam, 'iam', 'get-role', '--role-name', `${PREFIX}deploy-test`);
      expect(role.exitCode, role.stderr).toBe(0);
      const trust = JSON.parse(role.stdout).Role.AssumeRolePolicyDocument;
      expect(JSON.stringify(trust)).toContain(`repo:${cloud.endpoints.githubRepository}:environment:test`);
      const entries = await eksGet('/clusters/bakeline-local/access-entries');
      expect(entries.status).toBe(200);
      expect((entries.body as { accessEntries: string[] }).accessEntries).toContain(
        `arn:aws:iam::${cloud.endpoints.accountId}:role/${PREFIX}deploy-prod`,
      );

      const replan = await terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color'], 'replan');
      expect(replan.exitCode, replan.stdout.slice(-3000)).toBe(0);
      expect(replan.stdout).toContain('No changes.');

      // an update in place (tags on every resource), then no changes again
      const update = await terraform(
        ['apply', '-auto-approve', '-input=false', '-no-color', '-var', 'tags={"cycle"="update"}'],
        'update',
      );
      expect(update.exitCode, `${update.stdout.slice(-3000)}\n${update.stderr}`).toBe(0);
      expect(update.stdout).toMatch(/Apply complete! Resources: 0 added, [1-9]\d* changed, 0 destroyed/);
      const replan2 = await terraform(
        ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-var', 'tags={"cycle"="update"}'],
        'replan2',
      );
      expect(replan2.exitCode, replan2.stdout.slice(-3000)).toBe(0);

      const destroy = await terraform(
        ['destroy', '-auto-approve', '-input=false', '-no-color', '-var', 'tags={"cycle"="update"}'],
        'destroy',
      );
      expect(destroy.exitCode, `${destroy.stdout.slice(-3000)}\n${destroy.stderr}`).toBe(0);

      // nothing left: no role with the prefix, no repository, no access entry of those roles
      const roles = await aws(cloud.endpoints.iam, 'iam', 'list-roles');
      expect(roles.exitCode, roles.stderr).toBe(0);
      const names = (JSON.parse(roles.stdout).Roles as { RoleName: string }[]).map((r) => r.RoleName);
      expect(names.filter((n) => n.startsWith(PREFIX))).toEqual([]);
      const gone = await aws(cloud.endpoints.iam, 'iam', 'get-role', '--role-name', `${PREFIX}ecr-push`);
      expect(gone.exitCode).not.toBe(0);
      expect(gone.stderr).toContain('NoSuchEntity');
      const repos = await aws(cloud.endpoints.ecr, 'ecr', 'describe-repositories', '--region', cloud.endpoints.region);
      expect(repos.exitCode, repos.stderr).toBe(0);
      expect(
        (JSON.parse(repos.stdout).repositories as { repositoryName: string }[]).map((r) => r.repositoryName),
      ).not.toContain(REPOSITORY);
      const after = await eksGet('/clusters/bakeline-local/access-entries');
      expect(
        (after.body as { accessEntries: string[] }).accessEntries.filter((a) => a.includes(`:role/${PREFIX}`)),
      ).toEqual([]);
    },
    TIMEOUT * 2,
  );
});
