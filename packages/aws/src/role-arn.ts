// IAM role ARNs as IAM defines them: arn:<partition>:iam::<12-digit account>:role/<path/><name>,
// the partition one of the SDK's (aws, aws-cn, aws-us-gov, the ISO partitions, aws-eusc), the
// path made of [\w+=,.@-] segments, the name 1-64 of [\w+=,.@-] ("IAM identifiers", IAM user
// guide). A role is only assumable through the STS of its own partition.
import { awsPartition } from './aws-endpoints.ts';

export interface RoleArn {
  partition: string;
  accountId: string;
  /** The path and name, e.g. `ci/bakeline-push`. */
  name: string;
}

const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;

export const ROLE_ARN_FORM =
  'arn:<partition>:iam::<12-digit account>:role/<name> (partition aws, aws-cn, aws-us-gov, ...)';

export function parseRoleArn(value: string): RoleArn | undefined {
  const match = ROLE_ARN.exec(value);
  if (!match?.[1] || !match[2] || !match[3] || value.length > 2048) return undefined;
  return { partition: match[1], accountId: match[2], name: match[3] };
}

/**
 * Why `role` cannot be assumed from `region`, or undefined when it can: the role's partition must
 * be the region's (a role in aws-cn is assumed through STS in a China region).
 */
export function rolePartitionMismatch(role: RoleArn, region: string): string | undefined {
  const regionPartition = awsPartition(region).name;
  return role.partition === regionPartition
    ? undefined
    : `the role is in partition ${role.partition}, but region ${region} is in ${regionPartition}`;
}
