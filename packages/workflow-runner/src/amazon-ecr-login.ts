// The local equivalent of aws-actions/amazon-ecr-login (v2), private registries: ecr:
// GetAuthorizationToken with the credentials of the step's environment (what
// configure-aws-credentials exported), at the ECR endpoint the step's AWS_ENDPOINT_URL_ECR names
// (the local cloud; the real action's SDK honours that variable too). The real action runs
// `docker login`, which writes $DOCKER_CONFIG/config.json; here the file is written under the
// job's temp directory (never the host's ~/.docker) and DOCKER_CONFIG is exported for later steps.
// ECR refusals are relayed. The token and the password are masked; `registry` is the output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEcrClient, EcrLogin, environmentCredentials } from '@bakeline/aws';

const ACTION = 'aws-actions/amazon-ecr-login';

export const AMAZON_ECR_LOGIN_INPUTS: Record<string, string | undefined> = {
  registries: undefined,
  'mask-password': 'true',
  'registry-type': 'private',
  'skip-logout': 'false',
  'http-proxy': undefined,
};

export const ECR_LOGIN_OUTPUTS = ['registry'];

export interface EcrLoginContext {
  env: Record<string, string>;
  /** The job's temp directory (RUNNER_TEMP): the docker config goes under it. */
  temp: string;
  mask: (secret: string) => void;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string }>;
  [key: string]: unknown;
}

export async function amazonEcrLogin(
  ctx: EcrLoginContext,
  input: Record<string, string | undefined>,
): Promise<{ outputs: Record<string, string>; exportedEnv: Record<string, string>; masks: string[] }> {
  if (input['registry-type'] !== 'private') {
    throw new Error(
      `${ACTION}: input 'registry-type': got '${input['registry-type']}'; the local runner maps only private`,
    );
  }
  if (input['mask-password'] !== 'true') {
    throw new Error(`${ACTION}: input 'mask-password': the local runner keeps the password masked (true)`);
  }
  if (input['http-proxy'] !== undefined) throw new Error(`${ACTION}: input 'http-proxy' is not supported locally`);
  const registries = (input.registries ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const id of registries) {
    if (!/^\d{12}$/.test(id)) {
      throw new Error(`${ACTION}: input 'registries': '${id}' is not an AWS account ID (12 digits)`);
    }
  }
  if (registries.length > 1) throw new Error(`${ACTION}: input 'registries': the local runner logs in to one registry`);
  const region = ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || '';
  if (region === '') throw new Error(`${ACTION}: Region is missing (AWS_REGION): run configure-aws-credentials first`);
  const endpoint = ctx.env.AWS_ENDPOINT_URL_ECR ?? '';
  if (endpoint === '') {
    throw new Error(
      `${ACTION}: the local runner reaches no real AWS: set AWS_ENDPOINT_URL_ECR to the local cloud's ECR endpoint`,
    );
  }
  const masks: string[] = [];
  const mask = (secret: string) => {
    ctx.mask(secret);
    masks.push(secret);
  };
  const client = createEcrClient({
    region,
    credentials: environmentCredentials(ctx.env, mask),
    endpoint,
    maxAttempts: 3,
  });
  let login: Awaited<ReturnType<EcrLogin['get']>>;
  try {
    login = await new EcrLogin(client, { ...(registries[0] ? { registryId: registries[0] } : {}), mask }).get();
  } finally {
    client.destroy();
  }
  const dir = join(ctx.temp, 'docker-config');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'config.json');
  let config: DockerConfig = {};
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    config = {};
  }
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  mask(auth);
  config.auths = { ...(config.auths ?? {}), [login.registry]: { auth } };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { outputs: { registry: login.registry }, exportedEnv: { DOCKER_CONFIG: dir }, masks };
}
