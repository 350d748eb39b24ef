// What the local cloud itself holds when Terraform sets up the pipeline's IAM, ECR and EKS access
// (`pipelineIam: 'terraform'`): the parts a real account has before the example root module
// (infra/terraform/examples/licensing-service) runs, and which that module only references:
//   - the OIDC provider of the issuer (GitHub's, here the local issuer: the module's
//     `create_oidc_provider = false` references it, as an account that already trusts GitHub does);
//   - the EKS nodes' instance role, which the kubelet pulls images with (created with the cluster's
//     node group, not by the pipeline's module).
// Everything the pipeline assumes (push, deploy and source roles, their trust policies, the ECR
// repository, the access entries) comes from `terraform apply`.
import type { Iam, OidcProviderEntry, Role } from '../iam/iam.ts';

export const NODE_ROLE_NAME = 'bakeline-eks-node';

/** The issuer's provider, registered once (audience sts.amazonaws.com, as GitHub's guide sets it). */
export function ensureIssuerProvider(iam: Iam, issuerUrl: string): OidcProviderEntry {
  return iam.findOidcProvider(issuerUrl) ?? iam.addOidcProvider({ url: issuerUrl, clientIds: ['sts.amazonaws.com'] });
}

/** The node group's instance role: EC2 may assume it; it may pull from ECR (AmazonEC2ContainerRegistryReadOnly). */
export function ensureNodeRole(iam: Iam): Role {
  return (
    iam.getRole(NODE_ROLE_NAME) ??
    iam.createRole({
      name: NODE_ROLE_NAME,
      description: 'The EKS nodes instance role; the kubelet pulls images from ECR with it.',
      maxSessionDurationSeconds: 3600,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Ec2Nodes', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      policies: {
        'ecr-read-only': {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'PullImages',
              Effect: 'Allow',
              Action: [
                'ecr:GetAuthorizationToken',
                'ecr:BatchCheckLayerAvailability',
                'ecr:GetDownloadUrlForLayer',
                'ecr:BatchGetImage',
              ],
              Resource: '*',
            },
          ],
        },
      },
    })
  );
}
