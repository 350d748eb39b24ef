// The credentials in an STS AssumeRole* answer, checked, masked and logged once, whichever way the
// role was assumed (web identity or the default chain).
import type { AssumedRoleUser, Credentials } from '@aws-sdk/client-sts';
import type { Logger } from '@bakeline/toolkit';
import { type AwsCredentials, AwsCredentialsError } from './aws-credentials.ts';

/** What AssumeRole and AssumeRoleWithWebIdentity both answer with. */
export interface StsAssumeRoleResult {
  Credentials?: Credentials | undefined;
  AssumedRoleUser?: AssumedRoleUser | undefined;
}

export interface SessionCredentialsOptions {
  roleArn: string;
  mask: (secret: string) => void;
  logger: Logger;
  /** Ends the log line, e.g. "from the default credential chain". */
  source?: string;
}

/** The session's credentials, each passed to `mask` before it is returned. */
export function stsSessionCredentials(result: StsAssumeRoleResult, options: SessionCredentialsOptions): AwsCredentials {
  const c = result.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new AwsCredentialsError(`Could not assume role ${options.roleArn}: STS answered without credentials`);
  }
  options.mask(c.AccessKeyId);
  options.mask(c.SecretAccessKey);
  options.mask(c.SessionToken);
  const source = options.source ? ` ${options.source}` : '';
  const until = c.Expiration ? ` until ${c.Expiration.toISOString()}` : '';
  options.logger.info(`assumed ${result.AssumedRoleUser?.Arn ?? options.roleArn}${source}${until}`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}
