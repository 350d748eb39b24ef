# eks-access at plan time, with a mocked provider (offline): namespace-scoped Edit for deploy
# roles, View for source roles, on a cluster that is read, not created.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_eks_cluster" {
    defaults = {
      arn           = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod"
      access_config = [{ authentication_mode = "API", bootstrap_cluster_creator_admin_permissions = false }]
    }
  }
}

variables {
  deploy_roles = {
    dev  = { principal_arn = "arn:aws:iam::123456789012:role/bakeline-deploy-dev", cluster_name = "nonprod", namespace = "dev" }
    test = { principal_arn = "arn:aws:iam::123456789012:role/bakeline-deploy-test", cluster_name = "nonprod", namespace = "test" }
  }
  source_roles = {
    test = { principal_arn = "arn:aws:iam::123456789012:role/bakeline-source-test", cluster_name = "nonprod", namespace = "dev" }
  }
}

run "edit_for_deploy_view_for_source_in_one_namespace" {
  command = plan

  module {
    source = "../../modules/eks-access"
  }

  assert {
    condition     = toset(keys(aws_eks_access_entry.this)) == toset(["deploy-dev", "deploy-test", "source-test"])
    error_message = "One access entry per deploy role and per source role."
  }

  assert {
    condition = alltrue([for k, a in aws_eks_access_policy_association.this :
      a.policy_arn == "arn:aws:eks::aws:cluster-access-policy/${startswith(k, "deploy-") ? "AmazonEKSEditPolicy" : "AmazonEKSViewPolicy"}"
    ])
    error_message = "Deploy roles get AmazonEKSEditPolicy, source roles AmazonEKSViewPolicy."
  }

  assert {
    condition = [for k in ["deploy-dev", "deploy-test", "source-test"] : aws_eks_access_policy_association.this[k].access_scope[0]] == [
      { type = "namespace", namespaces = toset(["dev"]) },
      { type = "namespace", namespaces = toset(["test"]) },
      { type = "namespace", namespaces = toset(["dev"]) },
    ]
    error_message = "Every association is scoped to one namespace: the environment's own, or for a source role the source environment's."
  }
}

run "refuses_a_cluster_wide_or_wildcard_scope" {
  command = plan

  module {
    source = "../../modules/eks-access"
  }

  variables {
    deploy_roles = {
      dev = { principal_arn = "arn:aws:iam::123456789012:role/*", cluster_name = "nonprod", namespace = "*" }
    }
  }

  expect_failures = [var.deploy_roles]
}
