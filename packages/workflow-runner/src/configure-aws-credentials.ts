// The local equivalent of aws-actions/configure-aws-credentials (v5) with `role-to-assume` and
// GitHub OIDC: the job's ID token for the audience (sts.amazonaws.com by default), then
// sts:AssumeRoleWithWebIdentity at the STS endpoint the step's AWS_ENDPOINT_URL_STS names (the
// local cloud; the SDK of the real action honours that variable too). STS refusals are relayed.
// The secret key and the session token are masked; later steps get AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION and AWS_DEFAULT_REGION, as the action exports.
// Access keys as inputs and the ambient-credentials paths are not mapped: they are refused.
import { webIdentityCredentials } from '@bakeline/aws';

const ACTION = 'aws-actions/configure-aws-credentials';

export const CONFIGURE_AWS_INPUTS: Record<string, string | undefined> = {
  'aws-region': undefined,
  'role-to-assume': undefined,
  'role-session-name': 'GitHubActions',
  'role-duration-seconds': '3600',
  audience: 'sts.amazonaws.com',
  'mask-aws-account-id': 'false',
  'output-credentials': 'false',
  'role-skip-session-tagging': 'false',
  'aws-access-key-id': undefined,
  'aws-secret-access-key': undefined,
  'aws-session-token': undefined,
  'web-identity-token-file': undefined,
};

export const CONFIGURE_AWS_OUTPUTS = [
  'aws-account-id',
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'aws-expiration',
];

export interface ConfigureAwsContext {
  env: Record<string, string>;
  /** Registers a secret with the run's masker before anything can print it. */
  mask: (secret: string) => void;
  fetch?: typeof fetch;
}

/** As @actions/core's getIDToken: GET the request URL with `audience`, bearer the request token. */
export async function requestIdToken(
  env: Record<string, string>,
  audience: string,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !token) {
    throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
  }
  const u = new URL(url);
  u.searchParams.set('audience', audience);
  const response = await fetchFn(u, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!response.ok) throw new Error(`Failed to get ID Token. Error Code : ${response.status}`);
  const body = (await response.json()) as { value?: unknown };
  if (typeof body.value !== 'string') throw new Error('Response json body do not have ID Token field');
  return body.value;
}

function region(input: Record<string, string | undefined>): string {
  const value = input['aws-region'];
  if (value === undefined) throw new Error(`${ACTION}: Input required and not supplied: aws-region`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) {
    throw new Error(`${ACTION}: Region is not valid: ${value}`);
  }
  return value;
}

export async function configureAwsCredentials(
  ctx: ConfigureAwsContext,
  input: Record<string, string | undefined>,
): Promise<{ outputs: Record<string, string>; exportedEnv: Record<string, string>; masks: string[] }> {
  const awsRegion = region(input);
  for (const name of ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'web-identity-token-file']) {
    if (input[name] !== undefined) {
      throw new Error(`${ACTION}: input '${name}' is not supported by the local runner; use role-to-assume with OIDC`);
    }
  }
  const roleArn = input['role-to-assume'];
  if (roleArn === undefined) {
    throw new Error(`${ACTION}: input 'role-to-assume' is required by the local runner (GitHub OIDC)`);
  }
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new Error(`${ACTION}: input 'role-to-assume': got '${roleArn}'; expected arn:aws:iam::<account>:role/<name>`);
  }
  const stsEndpoint = ctx.env.AWS_ENDPOINT_URL_STS ?? '';
  if (stsEndpoint === '') {
    throw new Error(
      `${ACTION}: the local runner reaches no real AWS: set AWS_ENDPOINT_URL_STS to the local cloud's STS endpoint`,
    );
  }
  const duration = Number(input['role-duration-seconds'] ?? '3600');
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw new Error(
      `${ACTION}: input 'role-duration-seconds': got '${input['role-duration-seconds']}'; expected 900 to 43200`,
    );
  }
  const masks: string[] = [];
  const mask = (secret: string) => {
    ctx.mask(secret);
    masks.push(secret);
  };
  const credentials = await webIdentityCredentials({
    roleArn,
    sessionName: input['role-session-name'] ?? 'GitHubActions',
    region: awsRegion,
    idToken: () => requestIdToken(ctx.env, input.audience ?? 'sts.amazonaws.com', ctx.fetch),
    mask,
    stsEndpoint,
    durationSeconds: duration,
    attempts: 3,
    baseDelayMs: 200,
  })();
  const account = roleArn.split(':')[4] ?? '';
  if (input['mask-aws-account-id'] === 'true') mask(account);
  const outputs: Record<string, string> = { 'aws-account-id': account };
  if (input['output-credentials'] === 'true') {
    outputs['aws-access-key-id'] = credentials.accessKeyId;
    outputs['aws-secret-access-key'] = credentials.secretAccessKey;
    outputs['aws-session-token'] = credentials.sessionToken ?? '';
    if (credentials.expiration) outputs['aws-expiration'] = credentials.expiration.toISOString();
  }
  return {
    outputs,
    exportedEnv: {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken ?? '',
      AWS_REGION: awsRegion,
      AWS_DEFAULT_REGION: awsRegion,
    },
    masks,
  };
}
