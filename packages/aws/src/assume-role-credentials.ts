// sts:AssumeRole signed with whatever the default credential chain found (role chaining, as
// aws-actions/configure-aws-credentials does without an OIDC token): session name, one hour by
// default (AWS caps a chained session at one hour), and the GitHub session tags. Throttling is
// retried with backoff; a PackedPolicyTooLarge answer is retried once without the droppable tags.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { errorMessage, type Logger, retry, silentLogger } from '@bakeline/toolkit';
import {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';
import { awsErrorCode, awsErrorMessage, classifyAwsError } from './aws-error.ts';
import { awsRequestHandler } from './aws-http.ts';
import { renewingCredentials } from './renewing-credentials.ts';
import { githubSessionTags } from './session-tags.ts';
import { stsSessionCredentials } from './sts-session-credentials.ts';

export interface AssumeRoleOptions {
  roleArn: string;
  sessionName: string;
  region: string;
  /** The credentials AssumeRole is signed with (the default chain). */
  source: CredentialsProvider;
  mask: MaskSecret;
  stsEndpoint?: string;
  /** Session duration in seconds (default 3600, the most a chained role session may last). */
  durationSeconds?: number;
  /** Where the GitHub session tags and the proxy variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: Logger;
}

function explain(error: unknown, roleArn: string, tagged: boolean): AwsCredentialsError {
  const code = awsErrorCode(error);
  const said = `STS said: ${code ? `${code}: ` : ''}${awsErrorMessage(error)}`;
  let what = '';
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    what =
      "the credentials the AWS SDK found may not assume it: allow their principal in the role's trust policy (sts:AssumeRole" +
      `${tagged ? ' and sts:TagSession, for the GitHub session tags' : ''}), and check the ARN. `;
  } else if (code === 'ValidationError') {
    what =
      "check 'role-to-assume', 'role-session-name' and the session duration (a role assumed from another role lasts one hour at most). ";
  } else if (code === 'RegionDisabledException') {
    what = "STS is not activated in this region for the account: activate it in IAM, or give another 'region'. ";
  }
  return new AwsCredentialsError(`Could not assume role ${roleArn}: ${what}${said}`, { cause: error });
}

export function assumeRoleCredentials(options: AssumeRoleOptions): CredentialsProvider {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;

  async function assume(): Promise<AwsCredentials> {
    const client = new STSClient({
      region: options.region,
      credentials: options.source,
      ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
      requestHandler: awsRequestHandler(env),
      maxAttempts: 1,
    });
    const send = (droppable: boolean) =>
      retry(
        () =>
          client.send(
            new AssumeRoleCommand({
              RoleArn: options.roleArn,
              RoleSessionName: options.sessionName,
              DurationSeconds: options.durationSeconds ?? 3600,
              Tags: githubSessionTags(env, droppable),
            }),
          ),
        {
          attempts: options.attempts ?? 5,
          baseDelayMs: options.baseDelayMs ?? 500,
          classify: classifyAwsError,
          ...(options.sleep ? { sleep: options.sleep } : {}),
          onRetry: ({ attempt, delayMs, error }) =>
            logger.warning(`AssumeRole: attempt ${attempt} failed (${errorMessage(error)}); retrying in ${delayMs} ms`),
        },
      );
    try {
      const result = await send(true).catch((error: unknown) => {
        if (!/^PackedPolicyTooLarge/.test(awsErrorCode(error))) throw error;
        logger.info('AssumeRole: the session tags are too large; retrying without the droppable ones');
        return send(false);
      });
      return stsSessionCredentials(result, {
        roleArn: options.roleArn,
        mask: options.mask,
        logger,
        source: 'from the default credential chain',
      });
    } catch (error: unknown) {
      if (error instanceof AwsCredentialsError) throw error;
      throw explain(error, options.roleArn, true);
    } finally {
      client.destroy();
    }
  }

  return renewingCredentials(assume, now);
}
