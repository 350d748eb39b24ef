// The Kubernetes/EKS part of the local cloud. `startKubeCloud` is also what the composition's
// hook (src/cloud/kube-hook.ts) looks for here.
export type { AccessEntry, AccessPolicyAssociation, AccessScope } from './auth/access-entries.ts';
export type { AuthFailure } from './auth/authenticate.ts';
export { checkEksTokenFormat, TokenRejected } from './auth/eks-token.ts';
export { HOST_PORT_ANNOTATION } from './kubelet/pod-worker.ts';
export {
  INSTANCE_LABEL,
  type KubeCloudAdmin,
  type KubeCloudOptions,
  type StartedKubeCloud,
  startKubeCloud,
  type TimedRequestLogEntry,
} from './start-kube-cloud.ts';
