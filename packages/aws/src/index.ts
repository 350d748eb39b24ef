export {
  type CredentialsProvider,
  environmentCredentials,
  explainAssumeRoleError,
  type WebIdentityOptions,
  webIdentityCredentials,
} from './credentials.ts';
export {
  Ecr,
  type EcrOptions,
  explainEcrError,
  findingsAtOrAbove,
  type RegistryLogin,
  SEVERITIES,
  type Severity,
} from './ecr.ts';
export { type EcrImageRef, ecrDigestForTag, parseEcrImage } from './ecr-image.ts';
export { connectEksCluster, type EksClusterOptions, type EksConnection } from './eks-cluster.ts';
export {
  type AwsCredentials,
  createEksToken,
  decodeEksToken,
  EKS_TOKEN_PREFIX,
  eksTokenProvider,
  stsEndpointFor,
} from './eks-token.ts';
