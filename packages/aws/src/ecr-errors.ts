// ECR API errors told in terms of what to change; the code and AWS's message are kept.
import { AwsCredentialsError } from './aws-credentials.ts';
import { awsErrorCode, awsErrorMessage } from './aws-error.ts';

/**
 * `<what>: <code>: <message> (<what to do>)`. `permission` names the IAM action the call needs,
 * for the AccessDenied hint when AWS's message does not name it.
 */
export function explainEcrError(error: unknown, what: string, permission?: string): Error {
  if (error instanceof AwsCredentialsError) return error; // says what to do already
  const code = awsErrorCode(error);
  const message = awsErrorMessage(error);
  const named = /\b(ecr:[A-Za-z]+)\b/.exec(message)?.[1] ?? permission;
  let hint = '';
  if (code === 'AccessDeniedException' || code === 'AccessDenied') {
    hint = named
      ? `the role lacks ${named}: add it to the role's policy (see the ecr-push README for the whole policy)`
      : "the role lacks this ECR permission: add it to the role's policy";
  } else if (code === 'RepositoryNotFoundException') {
    hint = "create the repository, or leave 'create-repository' true";
  } else if (code === 'UnrecognizedClientException' || code === 'InvalidSignatureException') {
    hint =
      "the credentials are not valid for this account or endpoint: check 'role-to-assume', 'region' and 'ecr-endpoint'";
  } else if (code === 'ExpiredTokenException') {
    hint = 'the session credentials expired: re-run the job';
  } else if (code === 'LimitExceededException') {
    hint = 'an ECR quota of the account is reached';
  }
  const text = `${what}: ${code ? `${code}: ` : ''}${message}`;
  return new Error(hint ? `${text} (${hint})` : text, { cause: error });
}
