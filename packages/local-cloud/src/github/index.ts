export { ATTESTATIONS_DOCS, GithubAttestations, type StoredAttestation } from './attestations-api.ts';
export {
  type DeploymentRecord,
  type GithubDeploymentsApi,
  type GithubDeploymentsApiOptions,
  type GithubRequestRecord,
  type GithubRoute,
  type StatusRecord,
  SUPPORTED_API_VERSIONS,
  startGithubDeploymentsApi,
} from './deployments-api.ts';
export {
  DEPLOYMENT_DOCS,
  GithubApiError,
  type GithubErrorBody,
  type GithubFieldError,
  STATUS_DOCS,
} from './github-errors.ts';
export {
  type CreateDeploymentBody,
  type CreateStatusBody,
  DEPLOYMENT_STATES,
  type DeploymentState,
  parseCreateDeployment,
  parseCreateStatus,
} from './request-bodies.ts';
