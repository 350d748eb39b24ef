// Which credentials an action signs with, decided as aws-actions/configure-aws-credentials
// decides:
// - `role-to-assume` and a GitHub OIDC token to be had (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN,
//   that is `permissions: id-token: write`), and no static keys or web identity token file in
//   the environment: AssumeRoleWithWebIdentity with the token;
// - otherwise the AWS SDK's default chain (@aws-sdk/credential-provider-node): environment
//   variables, AWS_PROFILE and the shared files, a web identity token file, container
//   credentials, the instance profile (IMDSv2); with `role-to-assume`, AssumeRole signed with
//   what that chain found.
// Every secret passes through `mask` before anything can print it.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { errorMessage, type Logger, silentLogger } from '@bakeline/toolkit';
import { assumeRoleCredentials } from './assume-role-credentials.ts';
import {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';
import { awsRequestHandler } from './aws-http.ts';
import { webIdentityCredentials } from './web-identity-credentials.ts';

export interface CredentialChainOptions {
  region: string;
  roleToAssume?: string;
  roleSessionName: string;
  /** A GitHub OIDC token for the audience (the action passes `() => core.getIDToken(audience)`). */
  idToken: () => Promise<string>;
  mask: MaskSecret;
  /** STS endpoint override, also for the STS calls inside the chain (profiles with role_arn, token files). */
  stsEndpoint?: string;
  durationSeconds?: number;
  /** The job's environment (default process.env): OIDC availability, session tags, proxy. */
  env?: Record<string, string | undefined>;
  /** The default chain; tests may pass another provider. */
  defaultChain?: CredentialsProvider;
  logger?: Logger;
}

export type CredentialSource = 'github-oidc' | 'default-chain' | 'default-chain+assume-role';

/** Where the credentials will come from, per the rules above. */
export function credentialSource(
  env: Record<string, string | undefined>,
  roleToAssume: string | undefined,
): CredentialSource {
  if (!roleToAssume) return 'default-chain';
  const oidc = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  if (oidc && !env.AWS_ACCESS_KEY_ID && !env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'github-oidc';
  return 'default-chain+assume-role';
}

const NO_CREDENTIALS =
  "No AWS credentials: give 'role-to-assume' and grant the job `permissions: id-token: write` (GitHub OIDC), or " +
  'provide credentials the AWS SDK finds (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ' +
  'AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, container credentials, or an EC2 instance profile)';

/** The SDK's default chain, its answers masked and its failure told in terms of what to do. */
export function defaultChainCredentials(options: {
  region: string;
  mask: MaskSecret;
  stsEndpoint?: string;
  env?: Record<string, string | undefined>;
  chain?: CredentialsProvider;
}): CredentialsProvider {
  const chain =
    options.chain ??
    defaultProvider({
      clientConfig: {
        region: options.region,
        requestHandler: awsRequestHandler(options.env),
        ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
      },
    });
  return async (): Promise<AwsCredentials> => {
    const found = await chain().catch((error: unknown) => {
      throw new AwsCredentialsError(`${NO_CREDENTIALS}. The SDK said: ${errorMessage(error)}`, { cause: error });
    });
    options.mask(found.accessKeyId);
    options.mask(found.secretAccessKey);
    if (found.sessionToken) options.mask(found.sessionToken);
    return {
      accessKeyId: found.accessKeyId,
      secretAccessKey: found.secretAccessKey,
      ...(found.sessionToken ? { sessionToken: found.sessionToken } : {}),
      ...(found.expiration ? { expiration: found.expiration } : {}),
    };
  };
}

export function credentialChain(options: CredentialChainOptions): CredentialsProvider {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const source = credentialSource(env, options.roleToAssume);
  const common = {
    region: options.region,
    mask: options.mask,
    logger,
    ...(options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}),
    ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
  };
  if (source === 'github-oidc' && options.roleToAssume) {
    logger.info(`credentials: GitHub OIDC, assuming ${options.roleToAssume}`);
    return webIdentityCredentials({
      ...common,
      roleArn: options.roleToAssume,
      sessionName: options.roleSessionName,
      idToken: options.idToken,
    });
  }
  const chain = defaultChainCredentials({
    region: options.region,
    mask: options.mask,
    env,
    ...(options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}),
    ...(options.defaultChain ? { chain: options.defaultChain } : {}),
  });
  if (!options.roleToAssume) {
    logger.info('credentials: the AWS SDK default chain');
    return chain;
  }
  logger.info(
    `credentials: assuming ${options.roleToAssume} with what the AWS SDK default chain finds (no GitHub OIDC token to use)`,
  );
  return assumeRoleCredentials({
    ...common,
    roleArn: options.roleToAssume,
    sessionName: options.roleSessionName,
    source: chain,
    env,
  });
}
