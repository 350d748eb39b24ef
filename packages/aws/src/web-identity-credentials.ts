// Credentials through GitHub OIDC: an ID token for the audience (the action passes
// core.getIDToken), then sts:AssumeRoleWithWebIdentity. Throttling and STS's
// IDPCommunicationError are retried with backoff; every other STS error is explained in terms of
// what to change. The token and the session's secrets are masked before anything can print them.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { errorMessage, type Logger, retry, silentLogger } from '@bakeline/toolkit';
import { explainAssumeRoleError } from './assume-role-errors.ts';
import {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';
import { classifyAwsError } from './aws-error.ts';
import { awsRequestHandler } from './aws-http.ts';
import { renewingCredentials } from './renewing-credentials.ts';
import { stsSessionCredentials } from './sts-session-credentials.ts';

export interface WebIdentityOptions {
  roleArn: string;
  sessionName: string;
  region: string;
  /** A fresh OIDC token for the audience (the action passes `() => core.getIDToken(audience)`). */
  idToken: () => Promise<string>;
  mask: MaskSecret;
  /** STS endpoint override (the local cloud, LocalStack-like setups). */
  stsEndpoint?: string;
  /** Session duration in seconds (default 3600). */
  durationSeconds?: number;
  /** Attempts for throttling and IDPCommunicationError (default 5). */
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: Logger;
}

function explainTokenRequestError(error: unknown): Error {
  const message = errorMessage(error);
  const hint = /ACTIONS_ID_TOKEN_REQUEST/.test(message)
    ? ': the job needs `permissions: id-token: write` (and a pull request from a fork gets no token)'
    : '';
  return new AwsCredentialsError(`Could not get a GitHub OIDC token${hint}`, { cause: error });
}

export function webIdentityCredentials(options: WebIdentityOptions): CredentialsProvider {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;

  async function assume(): Promise<AwsCredentials> {
    const token = await options.idToken().catch((error: unknown) => {
      throw explainTokenRequestError(error);
    });
    options.mask(token);
    if (token.split('.').length !== 3) {
      throw new Error(
        `Could not assume role ${options.roleArn}: the OIDC token provider returned something that is not a JWT`,
      );
    }
    const client = new STSClient({
      region: options.region,
      ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
      requestHandler: awsRequestHandler(),
      // retries are ours (classified below); AssumeRoleWithWebIdentity is unsigned, no credentials resolve
      maxAttempts: 1,
    });
    try {
      const result = await retry(
        () =>
          client.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: options.roleArn,
              RoleSessionName: options.sessionName,
              WebIdentityToken: token,
              DurationSeconds: options.durationSeconds ?? 3600,
            }),
          ),
        {
          attempts: options.attempts ?? 5,
          baseDelayMs: options.baseDelayMs ?? 500,
          classify: classifyAwsError,
          ...(options.sleep ? { sleep: options.sleep } : {}),
          onRetry: ({ attempt, delayMs, error }) =>
            logger.warning(
              `AssumeRoleWithWebIdentity: attempt ${attempt} failed (${errorMessage(error)}); retrying in ${delayMs} ms`,
            ),
        },
      ).catch((error: unknown) => {
        throw explainAssumeRoleError(error, options.roleArn, token, new Date(now()));
      });
      return stsSessionCredentials(result, { roleArn: options.roleArn, mask: options.mask, logger });
    } finally {
      client.destroy();
    }
  }

  return renewingCredentials(assume, now);
}
