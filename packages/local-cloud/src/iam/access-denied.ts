// The AccessDenied wording of AWS's authorization layer, as ECR, EKS and the registry return it.
import type { DecisionReason } from './evaluate.ts';

export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resource: string,
  reason: DecisionReason,
): string {
  const head = `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
  switch (reason) {
    case 'explicit-deny':
      return `${head} with an explicit deny in an identity-based policy`;
    case 'explicit-deny-session':
      return `${head} with an explicit deny in a session policy`;
    case 'no-session-policy':
      return `${head} because no session policy allows the ${action} action`;
    default:
      return `${head} because no identity-based policy allows the ${action} action`;
  }
}
