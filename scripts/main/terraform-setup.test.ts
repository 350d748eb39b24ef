import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeEnvironmentsFile } from './environments-file.ts';
import { type ExampleOutputs, localVariables, parseOutputs, type TerraformCloud } from './terraform-setup.ts';

const root = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'bakeline-tf-setup-unit-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const cloud: TerraformCloud = {
  accountId: '123456789012',
  region: 'us-east-1',
  githubRepository: 'bakeline-dev/licensing-service',
  oidc: { issuer: 'https://127.0.0.1:4000' },
  iam: 'http://127.0.0.1:4001',
  sts: 'http://127.0.0.1:4002',
  ecr: 'http://127.0.0.1:4003',
  credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
  kube: { clusterName: 'bakeline-local', eks: 'http://127.0.0.1:4004' },
};
const sigstore = { url: 'http://127.0.0.1:4005' };

/** `terraform output -json` of the example, as the real terraform prints it (shape of outputs.tf). */
const OUTPUT_JSON = JSON.stringify({
  ecr_repository: { sensitive: false, type: 'string', value: 'ostock/licensing-service' },
  repository_variables: {
    sensitive: false,
    type: ['object', {}],
    value: {
      BAKELINE_AWS_REGION: 'us-east-1',
      BAKELINE_PUSH_ROLE: ARN('bakeline-ecr-push'),
      BAKELINE_DEV_DEPLOY_ROLE: ARN('bakeline-deploy-dev'),
      BAKELINE_DEV_CLUSTER_NAME: 'bakeline-local',
    },
  },
  environment_variables: {
    sensitive: false,
    type: ['object', {}],
    value: {
      dev: { BAKELINE_DEPLOY_ROLE: ARN('bakeline-deploy-dev'), BAKELINE_NAMESPACE: 'dev' },
      test: { BAKELINE_DEPLOY_ROLE: ARN('bakeline-deploy-test'), BAKELINE_SOURCE_ROLE: ARN('bakeline-source-test') },
      prod: { BAKELINE_DEPLOY_ROLE: ARN('bakeline-deploy-prod'), BAKELINE_SOURCE_ROLE: ARN('bakeline-source-prod') },
    },
  },
});

describe('the main job reads the example outputs', () => {
  it('parses terraform output -json into the repository and environment variables', () => {
    const outputs = parseOutputs(OUTPUT_JSON);
    expect(outputs.ecrRepository).toBe('ostock/licensing-service');
    expect(outputs.repositoryVariables.BAKELINE_PUSH_ROLE).toBe(ARN('bakeline-ecr-push'));
    expect(outputs.environmentVariables.prod?.BAKELINE_SOURCE_ROLE).toBe(ARN('bakeline-source-prod'));
  });

  it('refuses an output that is not a map of strings, naming it', () => {
    const bad = JSON.parse(OUTPUT_JSON);
    bad.environment_variables.value.dev.BAKELINE_NAMESPACE = 3;
    expect(() => parseOutputs(JSON.stringify(bad))).toThrow(
      'terraform output environment_variables.dev.BAKELINE_NAMESPACE: expected a string, got 3',
    );
  });

  it("gives the example the cloud's account, issuer, endpoints and cluster", () => {
    expect(localVariables(cloud, 'licensing-service')).toMatchObject({
      aws_endpoints: { iam: cloud.iam, sts: cloud.sts, ecr: cloud.ecr, eks: cloud.kube.eks },
      oidc_provider_url: cloud.oidc.issuer,
      create_oidc_provider: false,
      github_repository: cloud.githubRepository,
      environments: {
        prod: { cluster_name: 'bakeline-local', namespace: 'prod', source_environment: 'test' },
      },
    });
  });

  it("writes the run's variables from the outputs, not from the template's ARNs", () => {
    const outputs: ExampleOutputs = parseOutputs(OUTPUT_JSON);
    const target = join(temp, 'environments.yml');
    writeEnvironmentsFile(
      join(root, 'examples/licensing-service/.github/environments.local.yml'),
      target,
      { ...cloud, sigstore, roles: { 'bakeline-eks-node': ARN('bakeline-eks-node') } },
      'oci:/base@sha256:0',
      { terraform: outputs },
    );
    const doc = parse(readFileSync(target, 'utf8'));
    expect(doc.vars.BAKELINE_PUSH_ROLE).toBe(ARN('bakeline-ecr-push'));
    expect(doc.environments.test.vars.BAKELINE_SOURCE_ROLE).toBe(ARN('bakeline-source-test'));
    expect(doc.environments.prod.vars.BAKELINE_SOURCE_ROLE).toBe(ARN('bakeline-source-prod'));
    expect(readFileSync(target, 'utf8')).not.toContain('bakeline-environment-reader');
  });

  it('refuses a role ARN that neither the outputs nor the cloud have', () => {
    const outputs = parseOutputs(OUTPUT_JSON);
    delete outputs.environmentVariables.prod?.BAKELINE_SOURCE_ROLE;
    expect(() =>
      writeEnvironmentsFile(
        join(root, 'examples/licensing-service/.github/environments.local.yml'),
        join(temp, 'refused.yml'),
        { ...cloud, sigstore, roles: {} },
        'oci:/base@sha256:0',
        { terraform: outputs },
      ),
    ).toThrow("environments.prod.BAKELINE_SOURCE_ROLE: got 'arn:aws:iam::123456789012:role/bakeline-source-prod'");
  });
});
