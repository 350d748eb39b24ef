export { type AssumeRoleOptions, assumeRoleCredentials } from './assume-role-credentials.ts';
export { explainAssumeRoleError, type TokenClaims, tokenClaims } from './assume-role-errors.ts';
export {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';
export {
  type AwsEndpointOptions,
  type AwsPartition,
  type AwsService,
  awsPartition,
  resolveAwsEndpoint,
} from './aws-endpoints.ts';
export { awsErrorCode, awsHttpStatus, classifyAwsError, isThrottlingError } from './aws-error.ts';
export { type AwsRequestHandlerOptions, awsRequestHandler } from './aws-http.ts';
export {
  type CredentialChainOptions,
  type CredentialSource,
  credentialChain,
  credentialSource,
  defaultChainCredentials,
} from './credential-chain.ts';
export { createEcrClient, type EcrClientOptions } from './ecr-client.ts';
export { explainEcrError } from './ecr-errors.ts';
export {
  describeImageByTag,
  type EcrImageDetail,
  type EcrImageRef,
  ecrDigestForTag,
  parseEcrImage,
} from './ecr-image.ts';
export { EcrLogin, type RegistryLogin } from './ecr-login.ts';
export { chooseMountSources, listOtherRepositories, type MountSourceOptions } from './ecr-mount-sources.ts';
export {
  type EcrPushOptions,
  type EcrPushResult,
  type EcrScanGate,
  pushImageToEcr,
  scanGateMessage,
} from './ecr-push.ts';
export { ecrHostRegion, parseRegistryTarget, type RegistryTarget } from './ecr-registry.ts';
export { type EnsuredRepository, type EnsureRepositoryOptions, ensureRepository } from './ecr-repository.ts';
export {
  findingsAtOrAbove,
  type ScanFinding,
  type ScanReport,
  SEVERITIES,
  type Severity,
  type SeverityCounts,
  severityRank,
  type WaitForScanOptions,
  waitForScan,
} from './ecr-scan.ts';
export { connectEksCluster, type EksClusterOptions, type EksConnection } from './eks-cluster.ts';
export { createEksToken, decodeEksToken, EKS_TOKEN_PREFIX, eksTokenProvider, stsEndpointFor } from './eks-token.ts';
export { environmentCredentials } from './environment-credentials.ts';
export { DEFAULT_AUDIENCE, isOidcAudience } from './oidc-audience.ts';
export { isAwsRegion } from './region.ts';
export { ecrPermissionFor, explainRegistryError } from './registry-errors.ts';
export { parseRoleArn, ROLE_ARN_FORM, type RoleArn, rolePartitionMismatch } from './role-arn.ts';
export { githubSessionTags, type SessionTag } from './session-tags.ts';
export { type WebIdentityOptions, webIdentityCredentials } from './web-identity-credentials.ts';
