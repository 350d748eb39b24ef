export {
  type AwsCredentials,
  CredentialStore,
  type Principal,
  type StoredCredentials,
} from './aws/credential-store.ts';
export { JsonProtocolError, jsonSignatureError } from './aws/json-protocol.ts';
export { QueryProtocolError } from './aws/query-protocol.ts';
export {
  type ReceivedRequest,
  SigV4Error,
  type SigV4Failure,
  SigV4Verifier,
  type VerifyOptions,
} from './aws/sigv4-verifier.ts';
export { type AdminParts, type GithubRoleInput, LocalCloudAdmin } from './cloud/admin.ts';
export { type KubeCloud, type KubeCloudContext, loadStartKubeCloud, type StartKubeCloud } from './cloud/kube-hook.ts';
export {
  type LocalCloud,
  type LocalCloudEndpoints,
  type LocalCloudOptions,
  startLocalCloud,
} from './cloud/start-local-cloud.ts';
export { type Distribution, type DistributionOptions, startDistribution } from './distribution.ts';
export { EcrApi, type EcrApiOptions } from './ecr/ecr-api.ts';
export {
  EcrError,
  type EcrImage,
  EcrRegistry,
  type EcrRepository,
  ManifestReferenceError,
  type ScanState,
  TagImmutableError,
  type TagMutability,
} from './ecr/ecr-registry.ts';
export { validateLifecyclePolicy } from './ecr/lifecycle-policy.ts';
export { ManifestRejectedError, MEDIA_TYPES, type ParsedManifest, parseManifest } from './ecr/manifest.ts';
export { type RegistryToken, RegistryTokens } from './ecr/registry-tokens.ts';
export { type ScanFinding, ScanFindingsStore, SEVERITIES, type Severity, severityCounts } from './ecr/scan-findings.ts';
export {
  ALL_FAULT_KINDS,
  FAULT_KINDS,
  type FaultKind,
  FaultPlan,
  type FaultPlanOptions,
  isWatch,
  KUBE_FAULT_KINDS,
  requestKey,
} from './faults/fault-plan.ts';
export { type FaultEvent, type FaultProxy, type FaultProxyOptions, startFaultProxy } from './faults/fault-proxy.ts';
export { freePort } from './free-port.ts';
export * from './github/index.ts';
export { type HttpServerHandler, listen, type StartedServer } from './http/server.ts';
export { accessDeniedMessage } from './iam/access-denied.ts';
export { type Arn, formatArn, type PrincipalRef, parseArn, parsePrincipalArn } from './iam/arn.ts';
export type { ConditionContext } from './iam/conditions.ts';
export {
  type Decision,
  type DecisionReason,
  type Explanation,
  evaluatePolicies,
  evaluateTrust,
  type TrustPrincipal,
} from './iam/evaluate.ts';
export {
  type EvaluateOptions,
  Iam,
  IamError,
  type OidcProviderEntry,
  type Role,
  type RoleInput,
  type User,
  type UserInput,
} from './iam/iam.ts';
export {
  MalformedPolicyDocumentError,
  type Policy,
  type PolicyDocument,
  type PolicyStatementDocument,
  parsePolicy,
} from './iam/policy.ts';
export {
  applyRoleDescription,
  loadRoleDescription,
  parseRoleDescription,
  ROLES_FILE,
  type RoleDescription,
  type RoleDescriptionVariables,
  type RoleSpec,
  renderTemplate,
} from './iam/role-description.ts';
export {
  BUSYBOX_HTTPD,
  type BusyboxImage,
  buildBusyboxImage,
  HOST_PORT_ANNOTATION,
  type KubeCloudAdmin,
  type StartedKubeCloud,
  startKubeCloud,
  type TimedRequestLogEntry,
} from './kube/index.ts';
export * from './maven-dist/index.ts';
export {
  defaultSubject,
  type GithubJobClaims,
  type GithubTokenClaims,
  githubTokenClaims,
} from './oidc/github-claims.ts';
export { type IdTokenGrant, IdTokenGrants } from './oidc/id-token-grants.ts';
export { type OidcDiscovery, OidcIssuer, type TokenOptions } from './oidc/issuer.ts';
export { type OidcService, startOidc } from './oidc/start-oidc.ts';
export { LayerBucket, type LayerBucketOptions } from './registry-front/layer-bucket.ts';
export { RegistryFront, type RegistryFrontOptions } from './registry-front/registry-front.ts';
export { RequestLog, type RequestLogEntry } from './registry-front/request-log.ts';
export { FULCIO_OID } from './sigstore/fulcio/github-extensions.ts';
export { type SigstoreOptions, type SigstoreService, startSigstore } from './sigstore/start-sigstore.ts';
export { TRUSTED_ROOT_MEDIA_TYPE, type TrustedRootJson } from './sigstore/trusted-root/trusted-root.ts';
export { type StsEndpoint, startSts } from './sts/start-sts.ts';
export { type CallerIdentity, STS_XMLNS, type StsOptions, StsService, stsSignatureError } from './sts/sts-service.ts';
export { discoveryJwksSource, type JwksSource, type VerifiedWebIdentity } from './sts/web-identity-token.ts';
export { createLocalCa, type IssuedCertificate, type LocalCa } from './tls/local-ca.ts';
