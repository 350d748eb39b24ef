// The service's GitHub variables and environments for a run against the local cloud: the example's
// environments.local.yml with the local cloud's account, endpoints and the base image filled in.
// With Terraform's outputs (the main job), every variable the example root module outputs (role
// ARNs, cluster names, namespaces, region) is taken from them, as a team copies them to GitHub.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { MainCloud } from './local-cloud.ts';
import type { ExampleOutputs } from './terraform-setup.ts';

interface EnvironmentsDoc {
  vars?: Record<string, string>;
  environments?: Record<string, { vars?: Record<string, string> }>;
}

const PLACEHOLDER_ACCOUNT = '000000000000';

/** What the file needs of the local cloud. */
export type EnvironmentsCloud = Pick<MainCloud, 'accountId' | 'region' | 'ecr' | 'sts' | 'roles'> & {
  kube: Pick<MainCloud['kube'], 'clusterName' | 'eks'>;
  oidc: Pick<MainCloud['oidc'], 'issuer'>;
  sigstore: Pick<MainCloud['sigstore'], 'url'>;
};

export function writeEnvironmentsFile(
  template: string,
  target: string,
  cloud: EnvironmentsCloud,
  baseImage: string,
  options: { terraform?: ExampleOutputs } = {},
): void {
  const text = readFileSync(template, 'utf8').replaceAll(`:${PLACEHOLDER_ACCOUNT}:`, `:${cloud.accountId}:`);
  const doc = parse(text) as EnvironmentsDoc;
  const vars = doc.vars ?? {};
  const fill: Record<string, string> = {
    BAKELINE_AWS_REGION: cloud.region,
    BAKELINE_BASE_IMAGE: baseImage,
    BAKELINE_ECR_ENDPOINT: cloud.ecr,
    BAKELINE_STS_ENDPOINT: cloud.sts,
    BAKELINE_EKS_ENDPOINT: cloud.kube.eks,
    BAKELINE_DEV_CLUSTER_NAME: cloud.kube.clusterName,
    // certificates of the local Fulcio name the local OIDC issuer, not GitHub's
    BAKELINE_SIGSTORE_ENDPOINT: cloud.sigstore.url,
    BAKELINE_ATTESTATION_POLICY: JSON.stringify({ issuer: cloud.oidc.issuer }),
  };
  for (const [name, value] of Object.entries(fill)) {
    if (!(name in vars)) throw new Error(`${template}: vars.${name} is missing (the main job fills it in)`);
    vars[name] = value;
  }
  for (const environment of Object.values(doc.environments ?? {})) {
    const envVars = environment.vars ?? {};
    if ('BAKELINE_CLUSTER_NAME' in envVars) envVars.BAKELINE_CLUSTER_NAME = cloud.kube.clusterName;
    if ('BAKELINE_SOURCE_CLUSTER_NAME' in envVars) envVars.BAKELINE_SOURCE_CLUSTER_NAME = cloud.kube.clusterName;
    if ('BAKELINE_AWS_REGION' in envVars) envVars.BAKELINE_AWS_REGION = cloud.region;
  }
  const known = new Set(Object.values(cloud.roles));
  if (options.terraform) {
    const outputs = options.terraform;
    Object.assign(vars, outputs.repositoryVariables);
    for (const [name, outputVars] of Object.entries(outputs.environmentVariables)) {
      const environment = doc.environments?.[name];
      if (!environment) throw new Error(`${template}: environments.${name} is missing (terraform outputs it)`);
      environment.vars = { ...environment.vars, ...outputVars };
    }
    for (const value of [
      ...Object.values(outputs.repositoryVariables),
      ...Object.values(outputs.environmentVariables).flatMap((v) => Object.values(v)),
    ]) {
      if (value.startsWith('arn:')) known.add(value);
    }
  }
  for (const [name, environment] of Object.entries(doc.environments ?? {})) {
    checkRoles(`${template}: environments.${name}`, environment.vars ?? {}, known);
  }
  checkRoles(`${template}: vars`, vars, known);
  writeFileSync(target, `# written by scripts/main.ts from ${template}\n${stringify({ ...doc, vars })}`, {
    mode: 0o600,
  });
}

/** Every role ARN the file names must be one the local cloud has, or the run fails late and obscurely. */
function checkRoles(where: string, vars: Record<string, string>, known: ReadonlySet<string>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value.startsWith('arn:aws:iam::') && !known.has(value)) {
      throw new Error(
        `${where}.${name}: got '${value}'; expected one of the local cloud's roles: ${[...known].join(', ')}`,
      );
    }
  }
}
