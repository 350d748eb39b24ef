// AWS credentials for the actions: GitHub OIDC -> sts:AssumeRoleWithWebIdentity (the usual path
// on GitHub), or the ambient environment (AWS_ACCESS_KEY_ID, ...). STS errors are made readable
// and say what to change. Every secret goes through `mask` before anything can print it.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials } from './eks-token.ts';

export interface WebIdentityOptions {
  roleArn: string;
  sessionName: string;
  region: string;
  /** A fresh GitHub OIDC token for the audience (the action passes core.getIDToken). */
  idToken: () => Promise<string>;
  stsEndpoint?: string;
  durationSeconds?: number;
  mask: (secret: string) => void;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

function claimsOf(jwt: string): { sub?: string; aud?: unknown } {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: string;
      aud?: unknown;
    };
  } catch {
    return {};
  }
}

/** Explains an STS error of AssumeRoleWithWebIdentity in terms of what to change. */
export function explainAssumeRoleError(error: unknown, roleArn: string, token: string): Error {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const { sub, aud } = claimsOf(token);
  const why: Record<string, string> = {
    AccessDenied: `the role's trust policy does not allow the OIDC token's subject '${sub ?? '?'}' (audience ${JSON.stringify(aud)}): add a condition on token.actions.githubusercontent.com:sub that matches it, or run the job in the environment the policy names`,
    ExpiredTokenException: 'the OIDC token has expired: request a new one (a job re-run does)',
    InvalidIdentityToken: `the OIDC token was refused (audience ${JSON.stringify(aud)}): check the 'audience' input (sts.amazonaws.com) and the IAM OIDC provider's client IDs`,
    IDPRejectedClaim: `the identity provider's claims were rejected: check the OIDC provider and its audience`,
  };
  return new Error(`Could not assume role ${roleArn}: ${why[name] ?? message} (${name || 'error'}: ${message})`, {
    cause: error,
  });
}

export function webIdentityCredentials(options: WebIdentityOptions): CredentialsProvider {
  let cached: AwsCredentials | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
    const token = await options.idToken();
    options.mask(token);
    const client = new STSClient({
      region: options.region,
      ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
      // AssumeRoleWithWebIdentity is unsigned (noAuth in the model): no credentials are resolved for it.
      maxAttempts: 5,
    });
    try {
      const result = await client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          WebIdentityToken: token,
          DurationSeconds: options.durationSeconds ?? 3600,
        }),
      );
      const c = result.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
        throw new Error(`Could not assume role ${options.roleArn}: STS answered without credentials`);
      }
      options.mask(c.SecretAccessKey);
      options.mask(c.SessionToken);
      cached = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
      return cached;
    } catch (error: unknown) {
      if (error instanceof Error && error.message.startsWith('Could not assume role')) throw error;
      throw explainAssumeRoleError(error, options.roleArn, token);
    } finally {
      client.destroy();
    }
  };
}

/** Credentials from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
export function environmentCredentials(
  env: Record<string, string | undefined>,
  mask: (s: string) => void,
): CredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        "No AWS credentials: give 'role-to-assume' (GitHub OIDC, with `permissions: id-token: write`) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      );
    }
    mask(secretAccessKey);
    if (env.AWS_SESSION_TOKEN) mask(env.AWS_SESSION_TOKEN);
    return env.AWS_SESSION_TOKEN
      ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN }
      : { accessKeyId, secretAccessKey };
  };
}
