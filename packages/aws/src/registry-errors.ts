// Errors of ECR's registry API (the Docker/OCI distribution protocol) told in terms of IAM: which
// ecr: permission the refused request needs.
import { RegistryError } from '@bakeline/oci';

/** The ECR permission a registry request needs, from the request the error names. */
export function ecrPermissionFor(message: string): string {
  if (/: put manifest /.test(message)) return 'ecr:PutImage';
  if (/: (?:resolve|get manifest) /.test(message)) return 'ecr:BatchGetImage';
  if (/: check blob /.test(message)) return 'ecr:BatchCheckLayerAvailability';
  if (/: (?:start upload|mount from|upload|close upload)/.test(message))
    return 'ecr:InitiateLayerUpload, ecr:UploadLayerPart and ecr:CompleteLayerUpload';
  return 'the ecr: push permissions';
}

/** A refused registry request becomes "<what failed>: … (the role lacks <permission>: …)"; other errors pass. */
export function explainRegistryError(error: unknown, target: string): unknown {
  if (!(error instanceof RegistryError)) return error;
  if (error.status === 403 || error.code === 'DENIED') {
    const named = /\b(ecr:[A-Za-z]+)\b/.exec(error.message)?.[1] ?? ecrPermissionFor(error.message);
    return new Error(
      `ECR refused the push to ${target}: the role lacks ${named}: add it to the role's policy (see the ecr-push README for the whole policy). The registry said: ${error.message}`,
      { cause: error },
    );
  }
  if (error.status === 401) {
    return new Error(
      `ECR refused the registry login for ${target}: the login from GetAuthorizationToken is for another registry, or it expired. The registry said: ${error.message}`,
      { cause: error },
    );
  }
  if (error.code === 'NAME_UNKNOWN') {
    return new Error(
      `ECR has no repository for ${target}: create it, or leave 'create-repository' true. The registry said: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}
