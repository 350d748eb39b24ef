// 401 and 403 from the Kubernetes API, said in terms of the identity the action used and the
// namespace it wanted: the EKS access entry (or RBAC) is what a person has to change.
import { KubeApiError } from '@bakeline/kube';

export interface AccessContext {
  /** `role arn:aws:iam::…:role/…`, `the AWS SDK's default credentials` or `the kubeconfig's user` */
  identity: string;
  cluster: string;
  namespace: string;
}

/** The error to report: an access failure explained, anything else unchanged. */
export function explainAccessError(error: unknown, context: AccessContext): unknown {
  if (!(error instanceof KubeApiError)) return error;
  if (error.status === 401) {
    return new Error(
      `Cluster ${context.cluster} did not accept ${context.identity} (401 Unauthorized): it has no EKS access entry there, or its token is expired or invalid`,
      { cause: error },
    );
  }
  if (error.status === 403) {
    return new Error(
      `${context.identity} has no access to namespace '${context.namespace}' of cluster ${context.cluster} (403 Forbidden): give it an EKS access entry with an access policy scoped to '${context.namespace}' (or RBAC there); nothing was changed. ${error.message}`,
      { cause: error },
    );
  }
  return error;
}
