// The long-lived IAM user of the local cloud (AKIA... keys in endpoints.json), for tools and tests
// that use the ambient credential chain instead of OIDC. Local only: AWS accounts get no such user.

export const LOCAL_USER_NAME = 'bakeline-local';

export const LOCAL_USER_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Registry', Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
    { Sid: 'Clusters', Effect: 'Allow', Action: 'eks:*', Resource: '*' },
    // what `terraform apply` of infra/terraform needs: roles, policies, the OIDC provider
    { Sid: 'Identity', Effect: 'Allow', Action: 'iam:*', Resource: '*' },
  ],
};
