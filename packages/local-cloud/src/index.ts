export { type Distribution, type DistributionOptions, startDistribution } from './distribution.ts';
export { freePort } from './free-port.ts';
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
