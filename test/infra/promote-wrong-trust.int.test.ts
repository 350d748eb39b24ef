// A deploy role whose trust names another environment, set up the way a team sets it up: the
// example root module (infra/terraform/examples/licensing-service) applied with the real terraform
// and hashicorp/aws provider against a new local cloud, from a copy of infra/terraform whose
// pipeline-roles module makes the prod deploy role trust `environment:test` (a copy-paste slip).
// The bundled eks-promote, run for prod as a job in the prod environment, fails with STS's
// AccessDenied in its first error line naming the role, and nothing in the cluster changed. The
// same promotion to test, whose role Terraform wrote right, gets past STS.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleOutputs, ensureTerraformSetup } from '../../scripts/main/terraform-setup.ts';

const TIMEOUT = 900_000;
const WORKLOAD = 'licensing-service';
// HCL's interpolation, not a JavaScript template
// biome-ignore lint/suspicious/noTemplateCurlyInString: the module's text as written
const SUBJECT_LINE = '"${local.subject_prefix}:environment:${env}" }';
// biome-ignore lint/suspicious/noTemplateCurlyInString: the module's text as written
const SLIPPED_LINE = '"${local.subject_prefix}:environment:${env == "prod" ? "test" : env}" }';

let temp: string;
let cloud: LocalCloud | undefined;
let outputs: ExampleOutputs;
let kube: { clusterName: string; eks: string; kubeconfig: string };

function firstError(result: HarnessResult): string {
  return (result.annotations.find((a) => a.level === 'error')?.message ?? '').split('\n')[0] ?? '';
}

/** Every object in the namespace with its resourceVersion, as kubectl (the cluster admin) lists them. */
async function objectsIn(namespace: string): Promise<string[]> {
  const listed = await execChecked(
    'kubectl',
    [
      '--kubeconfig',
      kube.kubeconfig,
      'get',
      'deployments,replicasets,pods,configmaps,secrets,services,roles,rolebindings',
      '-n',
      namespace,
      '-o',
      'jsonpath={range .items[*]}{.kind}/{.metadata.name}@{.metadata.resourceVersion}{"\\n"}{end}',
    ],
    { timeoutMs: 120_000 },
  );
  return listed.stdout.split('\n').filter(Boolean).sort();
}

function promotion(environment: 'test' | 'prod') {
  const c = cloud as LocalCloud;
  const grant = c.admin.grantIdToken({ environment });
  const vars = outputs.environmentVariables[environment] ?? {};
  const workspace = join(temp, `workspace-${environment}`);
  mkdirSync(workspace, { recursive: true });
  return {
    workspace,
    github: {
      sha: '0123abc4567def890123abc4567def890123abcd',
      ref: 'refs/heads/main',
      repository: c.endpoints.githubRepository,
    },
    inputs: {
      'cluster-name': vars.BAKELINE_CLUSTER_NAME ?? '',
      region: vars.BAKELINE_AWS_REGION ?? '',
      'role-to-assume': vars.BAKELINE_DEPLOY_ROLE ?? '',
      namespace: vars.BAKELINE_NAMESPACE ?? '',
      workload: vars.BAKELINE_WORKLOAD ?? '',
      environment,
      image: `${c.endpoints.registry.host}/${outputs.ecrRepository}@sha256:${'a'.repeat(64)}`,
      'eks-endpoint': kube.eks,
      'sts-endpoint': c.endpoints.sts,
      'ecr-endpoint': c.endpoints.ecr,
      'manifests-from': 'workspace',
      // the image is not built by build.yml: this test is about STS's trust, the gate is tested in
      // eks-promote's attestations.int.test.ts
      'verify-attestations': 'warn',
      timeout: '1m',
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 240_000,
  };
}

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'bakeline-wrong-trust-'));
  const source = join(repoRoot, 'infra', 'terraform');
  cpSync(source, join(temp, 'infra', 'terraform'), {
    recursive: true,
    filter: (path) => {
      const parts = relative(source, path).split(sep);
      return !parts.includes('.terraform') && !parts.some((p) => p.endsWith('.tfstate') || p.includes('.tfstate.'));
    },
  });
  const roles = join(temp, 'infra', 'terraform', 'modules', 'pipeline-roles', 'main.tf');
  const text = readFileSync(roles, 'utf8');
  expect(text.split(SUBJECT_LINE).length, `${roles} no longer has the line the slip replaces`).toBe(2);
  writeFileSync(roles, text.replace(SUBJECT_LINE, SLIPPED_LINE));

  cloud = await startLocalCloud({
    stateDir: join(temp, 'cloud'),
    pipelineIam: 'terraform',
    namespaces: ['dev', 'test', 'prod'],
    node: false,
  });
  kube = cloud.endpoints.kube as typeof kube;
  const setup = await ensureTerraformSetup({
    root: temp,
    stateDir: join(temp, 'cloud'),
    cloud: { ...cloud.endpoints, kube: { clusterName: kube.clusterName, eks: kube.eks } },
    workload: WORKLOAD,
    cloudIsNew: true,
  });
  outputs = setup.outputs;
  process.stderr.write(`wrong-trust setup: terraform apply ${setup.applyMs} ms\n`);
}, TIMEOUT);

afterAll(async () => {
  await cloud?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('a deploy role whose trust names another environment', () => {
  it(
    'makes the promotion to prod fail with AccessDenied naming the role, and changes nothing in the cluster',
    async () => {
      const role = outputs.environmentVariables.prod?.BAKELINE_DEPLOY_ROLE ?? '';
      expect(role).toMatch(/:role\/bakeline-deploy-prod$/);
      const before = await objectsIn('prod');
      const result = await runBundledAction('eks-promote', promotion('prod'));
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(1);
      const line = firstError(result);
      expect(line).toContain(`Could not assume role ${role}`);
      expect(line).toContain('AccessDenied');
      expect(await objectsIn('prod')).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'while the test promotion, whose trust Terraform wrote right, gets past STS',
    async () => {
      const result = await runBundledAction('eks-promote', promotion('test'));
      const line = firstError(result);
      expect(line).not.toContain('AccessDenied');
      expect(line).not.toContain('Could not assume role');
    },
    TIMEOUT,
  );
});
