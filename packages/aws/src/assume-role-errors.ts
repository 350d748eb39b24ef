// STS errors of AssumeRoleWithWebIdentity, told in terms of what to change. The OIDC token's
// claims (subject, audience, issuer, expiry) are read without verifying it: they are only
// quoted in the message, STS has already decided.
import { AwsCredentialsError } from './aws-credentials.ts';
import { awsErrorCode, awsErrorMessage } from './aws-error.ts';

export interface TokenClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  exp?: number;
  iat?: number;
}

/** The claims of a JWT's payload, or {} when it is not one. */
export function tokenClaims(jwt: string): TokenClaims {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null) return {};
    const p = payload as Record<string, unknown>;
    const claims: TokenClaims = {};
    if (typeof p.sub === 'string') claims.sub = p.sub;
    if (typeof p.aud === 'string' || (Array.isArray(p.aud) && p.aud.every((a) => typeof a === 'string')))
      claims.aud = p.aud as string | string[];
    if (typeof p.iss === 'string') claims.iss = p.iss;
    if (typeof p.exp === 'number') claims.exp = p.exp;
    if (typeof p.iat === 'number') claims.iat = p.iat;
    return claims;
  } catch {
    return {};
  }
}

function iso(seconds: number | undefined): string {
  return seconds === undefined ? '?' : new Date(seconds * 1000).toISOString();
}

function audienceOf(claims: TokenClaims): string {
  return Array.isArray(claims.aud) ? claims.aud.join(', ') : (claims.aud ?? '?');
}

/** The issuer as IAM names it in condition keys: without its scheme. */
function providerOf(claims: TokenClaims): string {
  return (claims.iss ?? 'token.actions.githubusercontent.com').replace(/^https:\/\//, '');
}

function advice(code: string, message: string, claims: TokenClaims, now: Date): string {
  const provider = providerOf(claims);
  switch (code) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return (
        `the OIDC token's subject '${claims.sub ?? '?'}' is not allowed by the role's trust policy ` +
        `(audience '${audienceOf(claims)}', issuer ${claims.iss ?? '?'}). Allow that subject in the trust policy's ` +
        `condition on ${provider}:sub (e.g. repo:<owner>/<repo>:ref:refs/heads/main or ` +
        `repo:<owner>/<repo>:environment:<name>), or run the job from the branch or environment the policy names ` +
        '(STS answers the same when the role does not exist: check the ARN)'
      );
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return (
        `the OIDC token has expired (issued ${iso(claims.iat)}, expired ${iso(claims.exp)}, now ${now.toISOString()}). ` +
        'The token is requested right before the role is assumed: re-run the job, and check the clock of the runner'
      );
    case 'InvalidIdentityToken':
    case 'InvalidIdentityTokenException':
      if (/audience/i.test(message)) {
        return (
          `STS refused the OIDC token's audience '${audienceOf(claims)}': set the 'audience' input to a client ID ` +
          `of the IAM OIDC provider for ${claims.iss ?? 'the issuer'} (sts.amazonaws.com by default), or add ` +
          `'${audienceOf(claims)}' to the provider's client IDs`
        );
      }
      return (
        `STS refused the OIDC token from ${claims.iss ?? 'the issuer'}: check that the account has an IAM OIDC ` +
        `provider for that issuer (its URL and thumbprints) and that the token comes from it`
      );
    case 'IDPRejectedClaim':
    case 'IDPRejectedClaimException':
      return `the identity provider ${claims.iss ?? '?'} rejected the token's claims: check the IAM OIDC provider and the 'audience' input`;
    case 'IDPCommunicationError':
    case 'IDPCommunicationErrorException':
      return `STS could not reach the OIDC issuer ${claims.iss ?? '?'} to fetch its signing keys (retried): try again later`;
    case 'RegionDisabledException':
      return "STS is not activated in this region for the account: activate it in IAM, or give another 'region'";
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException':
      return 'the session policy was refused';
    case 'ValidationError':
      return "STS refused a parameter (check 'role-to-assume', 'role-session-name' and the session duration against the role's maximum)";
    default:
      return '';
  }
}

/** Explains an STS error of AssumeRoleWithWebIdentity; the STS code and message are kept, the cause too. */
export function explainAssumeRoleError(
  error: unknown,
  roleArn: string,
  token: string,
  now: Date = new Date(),
): AwsCredentialsError {
  const code = awsErrorCode(error);
  const message = awsErrorMessage(error);
  const what = advice(code, message, tokenClaims(token), now);
  const said = `STS said: ${code ? `${code}: ` : ''}${message}`;
  return new AwsCredentialsError(`Could not assume role ${roleArn}: ${what ? `${what}. ${said}` : said}`, {
    cause: error,
  });
}
