export { explainAssumeRoleError, type TokenClaims, tokenClaims } from './assume-role-errors.ts';
export {
  type AwsCredentials,
  AwsCredentialsError,
  type CredentialsProvider,
  type MaskSecret,
} from './aws-credentials.ts';
export { awsErrorCode, awsHttpStatus, classifyAwsError, isThrottlingError } from './aws-error.ts';
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
export { isAwsRegion } from './region.ts';
export { ecrPermissionFor, explainRegistryError } from './registry-errors.ts';
export { type WebIdentityOptions, webIdentityCredentials } from './web-identity-credentials.ts';
