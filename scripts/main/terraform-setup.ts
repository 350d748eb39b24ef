// The local cloud's IAM, ECR and EKS access as the service's team sets them up on AWS: `terraform
// apply` of the example root module (infra/terraform/examples/licensing-service) with the real
// terraform and the hashicorp/aws provider from the machine's mirror, against the local cloud's
// endpoints. It runs once, when the local cloud's state is new; its state file lives in the local
// cloud's state directory, next to what the cloud saves, so a restarted cloud and the state agree.
// The caller workflows' variables (role ARNs, cluster names) are then read from the module's outputs.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecResult, exec } from '@bakeline/toolkit';
import { type TerraformCliConfig, terraformEnv, writeCliConfig } from '../terraform/cli-config.ts';
import { terraform } from '../terraform/terraform-command.ts';

/** What the setup needs of the running local cloud (its endpoints.json). */
export interface TerraformCloud {
  accountId: string;
  region: string;
  githubRepository: string;
  oidc: { issuer: string };
  iam: string;
  sts: string;
  ecr: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  kube: { clusterName: string; eks: string };
}

/** The example's outputs (outputs.tf): exactly the repository's and each environment's variables. */
export interface ExampleOutputs {
  repositoryVariables: Record<string, string>;
  environmentVariables: Record<string, Record<string, string>>;
  ecrRepository: string;
}

export interface TerraformSetup {
  outputs: ExampleOutputs;
  /** Whether this call applied (new state) or found the state of an earlier apply. */
  applied: boolean;
  /** The apply's duration (ms), when it ran. */
  applyMs?: number;
  /** Runs terraform on this state: `plan -detailed-exitcode` answers 0 when nothing would change. */
  plan(): Promise<ExecResult>;
}

/** The environments the example deploys to, in promotion order, each in its own namespace. */
export const EXAMPLE_ENVIRONMENTS = [
  { name: 'dev', source: undefined },
  { name: 'test', source: 'dev' },
  { name: 'prod', source: 'test' },
] as const;

export function exampleDir(root: string): string {
  return join(root, 'infra', 'terraform', 'examples', 'licensing-service');
}

/** Where terraform's state, data directory and variables live: the local cloud's state dir. */
export function terraformDir(stateDir: string): string {
  return join(stateDir, 'terraform');
}

/** The example's variables for the local cloud (local.tfvars.json). */
export function localVariables(cloud: TerraformCloud, workload: string): Record<string, unknown> {
  return {
    aws_region: cloud.region,
    aws_endpoints: { iam: cloud.iam, sts: cloud.sts, ecr: cloud.ecr, eks: cloud.kube.eks },
    oidc_provider_url: cloud.oidc.issuer,
    // the local cloud's issuer is registered with the account, as GitHub's is where one trusts it
    create_oidc_provider: false,
    github_repository: cloud.githubRepository,
    // a local cloud is thrown away with its images
    force_delete_repository: true,
    environments: Object.fromEntries(
      EXAMPLE_ENVIRONMENTS.map((e) => [
        e.name,
        {
          cluster_name: cloud.kube.clusterName,
          namespace: e.name,
          workload,
          ...(e.source !== undefined ? { source_environment: e.source } : {}),
        },
      ]),
    ),
  };
}

/** The environment terraform runs with: the local cloud's IAM user, no profile or config of the machine's. */
export function terraformAwsEnv(cloud: TerraformCloud, dir: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
    AWS_REGION: cloud.region,
    AWS_PROFILE: '',
    AWS_SESSION_TOKEN: '',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_DATA_DIR: join(dir, '.terraform'),
  };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`terraform output ${what}: expected an object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

function strings(value: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value, what))) {
    if (typeof v !== 'string')
      throw new Error(`terraform output ${what}.${k}: expected a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

/** Parses `terraform output -json`. */
export function parseOutputs(json: string): ExampleOutputs {
  const all = record(JSON.parse(json), '');
  const value = (name: string) => record(all[name], name).value;
  const environments = record(value('environment_variables'), 'environment_variables');
  const ecr = value('ecr_repository');
  if (typeof ecr !== 'string') throw new Error(`terraform output ecr_repository: expected a string`);
  return {
    repositoryVariables: strings(value('repository_variables'), 'repository_variables'),
    environmentVariables: Object.fromEntries(
      Object.entries(environments).map(([env, vars]) => [env, strings(vars, `environment_variables.${env}`)]),
    ),
    ecrRepository: ecr,
  };
}

export interface TerraformSetupOptions {
  root: string;
  stateDir: string;
  cloud: TerraformCloud;
  workload: string;
  /** Whether the local cloud started on a new state (nothing saved before this start). */
  cloudIsNew: boolean;
  config?: TerraformCliConfig;
  log?: (line: string) => void;
}

/**
 * Applies the example when the local cloud's state is new (no terraform state yet), then reads the
 * outputs. With an existing state nothing is applied: the cloud restored what the apply made.
 */
export async function ensureTerraformSetup(options: TerraformSetupOptions): Promise<TerraformSetup> {
  const { root, stateDir, cloud } = options;
  const log = options.log ?? (() => {});
  const dir = terraformDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const config = options.config ?? writeCliConfig(join(dir, 'cli'));
  const stateFile = join(dir, 'terraform.tfstate');
  const varFile = join(dir, 'local.tfvars.json');
  const run = (args: string[], timeoutMs = 900_000) =>
    terraform(args, { cwd: exampleDir(root), config, env: terraformAwsEnv(cloud, dir), timeoutMs });
  const stateArgs = [`-state=${stateFile}`, `-var-file=${varFile}`];

  let applied = false;
  let applyMs: number | undefined;
  if (!options.cloudIsNew && !existsSync(stateFile)) {
    throw new Error(
      `the local cloud in ${stateDir} was set up without Terraform (it has no ${stateFile}); ` +
        'start from a new state: scripts/main.sh stop, then remove that directory',
    );
  }
  if (options.cloudIsNew) {
    // a state file without the cloud that holds its resources describes nothing: start over
    rmSync(stateFile, { force: true });
    writeFileSync(varFile, `${JSON.stringify(localVariables(cloud, options.workload), null, 2)}\n`);
    // -lockfile=readonly: the committed .terraform.lock.hcl is the provider's pin; init never rewrites it
    log('terraform init (hashicorp/aws from the machine mirror)');
    await run(['init', '-input=false', '-no-color', '-lockfile=readonly']);
    log('terraform apply');
    const started = Date.now();
    const result = await run(['apply', '-auto-approve', '-input=false', '-no-color', ...stateArgs]);
    applyMs = Date.now() - started;
    applied = true;
    const summary = /Apply complete! Resources: .*/.exec(result.stdout)?.[0];
    if (summary) log(summary);
  }
  const outputs = parseOutputs((await run(['output', '-json', '-no-color', `-state=${stateFile}`], 120_000)).stdout);
  return {
    outputs,
    applied,
    ...(applyMs !== undefined ? { applyMs } : {}),
    plan: () =>
      exec('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color', ...stateArgs], {
        cwd: exampleDir(root),
        env: { ...terraformEnv(config), ...terraformAwsEnv(cloud, dir), NO_COLOR: '1' },
        timeoutMs: 900_000,
      }),
  };
}
