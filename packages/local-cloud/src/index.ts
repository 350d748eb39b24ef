export { type Distribution, type DistributionOptions, startDistribution } from './distribution.ts';
export { freePort } from './free-port.ts';
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
  defaultSubject,
  type GithubJobClaims,
  type GithubTokenClaims,
  githubTokenClaims,
} from './oidc/github-claims.ts';
export { type IdTokenGrant, IdTokenGrants } from './oidc/id-token-grants.ts';
export { type OidcDiscovery, OidcIssuer, type TokenOptions } from './oidc/issuer.ts';
export { type OidcService, startOidc } from './oidc/start-oidc.ts';
