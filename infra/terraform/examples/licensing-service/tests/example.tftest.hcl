# The example root module at plan time, with a mocked provider (offline): what it wires, and
# that its outputs are exactly the variables the caller workflows and environments need.

mock_provider "aws" {
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:us-east-1:123456789012:repository/ostock/licensing-service" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mocked" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_eks_cluster" {
    defaults = {
      arn           = "arn:aws:eks:us-east-1:123456789012:cluster/bakeline-local"
      access_config = [{ authentication_mode = "API", bootstrap_cluster_creator_admin_permissions = false }]
    }
  }
}

run "outputs_are_the_workflows_variables" {
  command = apply

  assert {
    condition     = keys(output.repository_variables) == ["BAKELINE_AWS_REGION", "BAKELINE_DEV_CLUSTER_NAME", "BAKELINE_DEV_DEPLOY_ROLE", "BAKELINE_PUSH_ROLE"]
    error_message = "The repository variables are exactly those README's 'Use it on GitHub' lists that infrastructure decides."
  }

  assert {
    condition     = keys(output.environment_variables["dev"]) == ["BAKELINE_AWS_REGION", "BAKELINE_CLUSTER_NAME", "BAKELINE_DEPLOY_ROLE", "BAKELINE_NAMESPACE", "BAKELINE_WORKLOAD"]
    error_message = "dev promotes from nowhere: no BAKELINE_SOURCE_* variables."
  }

  assert {
    condition     = output.environment_variables["prod"].BAKELINE_SOURCE_ENVIRONMENT == "test" && output.environment_variables["prod"].BAKELINE_SOURCE_NAMESPACE == "test" && contains(keys(output.environment_variables["prod"]), "BAKELINE_SOURCE_ROLE")
    error_message = "prod reads test's namespace through its source role."
  }

  assert {
    condition     = toset(keys(module.eks_access.access_policies)) == toset(["deploy-dev", "deploy-test", "deploy-prod", "source-test", "source-prod"])
    error_message = "Every deploy and source role has an access entry."
  }

  assert {
    condition     = module.eks_access.access_policies["source-prod"] == { policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", namespace = "test" }
    error_message = "prod's source role views test's namespace."
  }
}
