export { type GithubDeploymentsApi, startGithubDeploymentsApi } from './deployments-api.ts';
