// The ambient credentials of a job: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN, as aws-actions/configure-aws-credentials or the runner's environment set them.
import {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';

export function environmentCredentials(env: Record<string, string | undefined>, mask: MaskSecret): CredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new AwsCredentialsError(
        "No AWS credentials: give 'role-to-assume' (GitHub OIDC; the job needs `permissions: id-token: write`) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (e.g. with aws-actions/configure-aws-credentials)",
      );
    }
    mask(accessKeyId);
    mask(secretAccessKey);
    const credentials: AwsCredentials = { accessKeyId, secretAccessKey };
    if (env.AWS_SESSION_TOKEN) {
      mask(env.AWS_SESSION_TOKEN);
      credentials.sessionToken = env.AWS_SESSION_TOKEN;
    }
    return credentials;
  };
}
