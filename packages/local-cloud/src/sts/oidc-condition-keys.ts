// The condition keys IAM evaluates in a role's trust policy when STS's AssumeRoleWithWebIdentity
// gets a GitHub Actions ID token: `<issuer>:<key>` for exactly these claims, and no others.
//   - aud and sub: IAM User Guide, "Available keys for OIDC federation"
//     (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif);
//   - the GitHub-specific claims below: AWS What's New, 2026-01, "AWS STS supports validation of
//     identity provider claims" (aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/),
//     whose table for GitHub lists actor, actor_id, job_workflow_ref, repository, repository_id,
//     workflow, ref, environment and enterprise_id (none available in the session afterwards).
// Every other claim of the token (repository_owner, run_id, sha, workflow_ref, runner_environment,
// event_name, ...) is not a condition key: a condition on it finds no value, so StringEquals on it
// never matches, as on AWS. The local issuer stands in for token.actions.githubusercontent.com,
// so its tokens get GitHub's keys.
import type { ConditionContext } from '../iam/conditions.ts';

/** The standard OIDC claims IAM exposes for any provider. */
export const STANDARD_OIDC_KEYS = ['aud', 'sub'] as const;

/** GitHub's claims that STS validates since January 2026. */
export const GITHUB_CLAIM_KEYS = [
  'actor',
  'actor_id',
  'enterprise_id',
  'environment',
  'job_workflow_ref',
  'ref',
  'repository',
  'repository_id',
  'workflow',
] as const;

/** The trust-policy context of a verified GitHub token: `<prefix>:<key>` for the keys above that the token carries. */
export function webIdentityConditionContext(
  prefix: string,
  identity: { subject: string; audience: string; claims: Readonly<Record<string, unknown>> },
): Record<string, string> {
  const context: Record<string, string> = {
    [`${prefix}:sub`]: identity.subject,
    [`${prefix}:aud`]: identity.audience,
  };
  for (const key of GITHUB_CLAIM_KEYS) {
    const value = identity.claims[key];
    if (typeof value === 'string') context[`${prefix}:${key}`] = value;
  }
  return context satisfies ConditionContext;
}
