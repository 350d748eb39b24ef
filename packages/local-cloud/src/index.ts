export { CredentialStore } from './aws/credential-store.ts';
export { SNAPSHOT_FILE } from './cloud/pipeline-snapshot/load-snapshot.ts';
export { type LocalCloud, startLocalCloud } from './cloud/start-local-cloud.ts';
export { type Distribution, startDistribution } from './distribution.ts';
export { validateLifecyclePolicy } from './ecr/lifecycle-policy.ts';
export { RegistryTokens } from './ecr/registry-tokens.ts';
export { ALL_FAULT_KINDS, FAULT_KINDS, type FaultKind } from './faults/fault-plan.ts';
export { type FaultProxy, startFaultProxy } from './faults/fault-proxy.ts';
export * from './github/index.ts';
export {
  HOST_PORT_ANNOTATION,
  type KubeCloudAdmin,
  type StartedKubeCloud,
  startKubeCloud,
  type TimedRequestLogEntry,
} from './kube/index.ts';
export * from './maven-dist/index.ts';
export { OidcIssuer } from './oidc/issuer.ts';
export { type SigstoreService, startSigstore } from './sigstore/start-sigstore.ts';
export { createLocalCa } from './tls/local-ca.ts';
