# pipeline-roles at plan time, with a mocked provider (offline): each trust policy's exact sub,
# StringEquals on aud and sub only, no wildcard; permissions on the named repository and clusters.

mock_provider "aws" {}

variables {
  oidc_provider_arn   = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  github_repository   = "ostock/licensing-service"
  ecr_repository_arns = ["arn:aws:ecr:eu-west-1:123456789012:repository/ostock/licensing-service"]
  environments = {
    dev  = { cluster_arn = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod" }
    test = { cluster_arn = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod", source_environment = "dev" }
    prod = { cluster_arn = "arn:aws:eks:eu-west-1:123456789012:cluster/prod", source_environment = "test" }
  }
}

run "trust_and_permissions" {
  command = plan

  module {
    source = "../../modules/pipeline-roles"
  }

  assert {
    condition     = jsondecode(aws_iam_role.push.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:ostock/licensing-service:ref:refs/heads/main"
    error_message = "The push role must trust exactly repo:ostock/licensing-service:ref:refs/heads/main."
  }

  assert {
    condition = alltrue([for env in ["dev", "test", "prod"] :
      jsondecode(aws_iam_role.deploy[env].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:ostock/licensing-service:environment:${env}"
    ])
    error_message = "Each deploy role must trust exactly repo:ostock/licensing-service:environment:<its environment>."
  }

  assert {
    condition     = toset(keys(aws_iam_role.source)) == toset(["test", "prod"])
    error_message = "Only the environments that promote from another get a source role."
  }

  assert {
    condition = alltrue([for env in ["test", "prod"] :
      jsondecode(aws_iam_role.source[env].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:ostock/licensing-service:environment:${env}"
    ])
    error_message = "Each source role must trust exactly the environment of the job that reads (test's: environment:test)."
  }

  assert {
    condition = alltrue([for p in concat([aws_iam_role.push.assume_role_policy], [for r in values(aws_iam_role.deploy) : r.assume_role_policy], [for r in values(aws_iam_role.source) : r.assume_role_policy]) :
      length(jsondecode(p).Statement) == 1
      && keys(jsondecode(p).Statement[0].Condition) == ["StringEquals"]
      && keys(jsondecode(p).Statement[0].Condition.StringEquals) == ["token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"]
      && jsondecode(p).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
      && jsondecode(p).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
      && jsondecode(p).Statement[0].Principal.Federated == var.oidc_provider_arn
    ])
    error_message = "Every trust policy is one statement: StringEquals on exactly aud (sts.amazonaws.com) and sub, nothing else."
  }

  assert {
    condition     = alltrue([for sub in values(output.trust_subjects) : !can(regex("[*?]", sub))])
    error_message = "No trust policy may hold a wildcard in its sub."
  }

  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.push.policy).Statement :
      s.Action == "ecr:GetAuthorizationToken" ? s.Resource == "*" : toset(s.Resource) == toset(var.ecr_repository_arns)
    ])
    error_message = "The push role may act on the named repository only (GetAuthorizationToken has no resource)."
  }

  assert {
    condition     = contains(flatten([for s in jsondecode(aws_iam_role_policy.push.policy).Statement : s.Action if s.Effect == "Deny"]), "ecr:BatchDeleteImage")
    error_message = "The push role must be denied deleting images."
  }

  assert {
    condition = alltrue([for env, e in var.environments :
      [for s in jsondecode(aws_iam_role_policy.deploy[env].policy).Statement : s.Resource if s.Action == "eks:DescribeCluster"] == [e.cluster_arn]
    ])
    error_message = "Each deploy role may describe its environment's cluster only."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.source["prod"].policy).Statement == [{ Sid = "FindSourceCluster", Effect = "Allow", Action = "eks:DescribeCluster", Resource = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod" }]
    error_message = "prod's source role may only describe the cluster of test, the environment it promotes from."
  }
}


run "refuses_wildcards_and_unknown_sources" {
  command = plan

  module {
    source = "../../modules/pipeline-roles"
  }

  variables {
    push_branch       = "*"
    github_repository = "ostock/*"
    environments = {
      "*"  = { cluster_arn = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod" }
      test = { cluster_arn = "arn:aws:eks:eu-west-1:123456789012:cluster/nonprod", source_environment = "test" }
    }
    ecr_repository_arns = ["arn:aws:ecr:eu-west-1:123456789012:repository/*"]
  }

  # each variable's validation must refuse its value: a wildcard branch, repository, environment
  # or repository ARN, and a source environment that is the environment itself
  expect_failures = [var.push_branch, var.github_repository, var.environments, var.ecr_repository_arns]
}
