# The IAM roles bakeline's workflows assume through GitHub OIDC:
#   push:          build.yml's publish job (no environment), from pushes to one branch;
#   deploy <env>:  the job that deploys into the GitHub environment <env>;
#   source <env>:  read-only, the same job reading which digest runs in the environment it promotes from.
# Every trust policy is one statement with StringEquals on exactly <issuer>:aud and <issuer>:sub.
# No other claim is used: sub names the repository and the environment or branch. (STS validates
# only some of GitHub's other claims, since 2026: see the README.)

locals {
  subject_prefix = "repo:${var.github_repository}"

  push_subject     = "${local.subject_prefix}:ref:refs/heads/${var.push_branch}"
  deploy_subjects  = { for env in keys(var.environments) : env => "${local.subject_prefix}:environment:${env}" }
  promoting        = { for env, e in var.environments : env => e if e.source_environment != null }
  source_clusters  = { for env, e in local.promoting : env => var.environments[e.source_environment].cluster_arn }
  source_subjects  = { for env in keys(local.promoting) : env => local.deploy_subjects[env] }
  name_push        = "${var.name_prefix}ecr-push"
  names_deploy     = { for env in keys(var.environments) : env => "${var.name_prefix}deploy-${env}" }
  names_source     = { for env in keys(local.promoting) : env => "${var.name_prefix}source-${env}" }
  ecr_read_actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"]
}

# Trust: one statement, StringEquals on aud and sub, nothing else.
locals {
  trust = { for key, sub in merge(
    { push = local.push_subject },
    { for env, s in local.deploy_subjects : "deploy-${env}" => s },
    { for env, s in local.source_subjects : "source-${env}" => s },
    ) : key => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActionsOidc"
        Effect    = "Allow"
        Principal = { Federated = var.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${var.oidc_issuer}:aud" = var.audience
            "${var.oidc_issuer}:sub" = sub
          }
        }
      }]
  }) }
}

# --- push ---------------------------------------------------------------------------------------

resource "aws_iam_role" "push" {
  name                 = local.name_push
  path                 = var.path
  description          = "Pushes images to ECR from ${var.github_repository} on ${var.push_branch} (build.yml publish)."
  assume_role_policy   = local.trust["push"]
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "push" {
  name = "ecr-push"
  role = aws_iam_role.push.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # GetAuthorizationToken has no resource-level permission: "*" is the only resource IAM accepts.
          Sid      = "RegistryLogin"
          Effect   = "Allow"
          Action   = "ecr:GetAuthorizationToken"
          Resource = "*"
        },
        {
          # ecr-push: describe the repository, upload missing blobs, put the manifest, read it back,
          # and (scan: wait) start and read the image scan.
          Sid    = "PushAndInspect"
          Effect = "Allow"
          Action = [
            "ecr:DescribeRepositories",
            "ecr:BatchCheckLayerAvailability",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:DescribeImages",
            "ecr:StartImageScan",
            "ecr:DescribeImageScanFindings",
          ]
          Resource = var.ecr_repository_arns
        },
        {
          # releases are immutable: the pipeline never deletes, and never loosens the repository
          Sid    = "ImagesAreNeverDeleted"
          Effect = "Deny"
          Action = [
            "ecr:BatchDeleteImage",
            "ecr:DeleteRepository",
            "ecr:PutImageTagMutability",
            "ecr:DeleteLifecyclePolicy",
            "ecr:PutLifecyclePolicy",
          ]
          Resource = var.ecr_repository_arns
        },
      ],
      length(var.base_image_repository_arns) == 0 ? [] : [{
        # build.yml with base-image-registry: amazon-ecr-login, then docker-bake pulls the base
        Sid      = "PullBaseImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = var.base_image_repository_arns
      }],
    )
  })
}

# --- deploy, one per environment ----------------------------------------------------------------

resource "aws_iam_role" "deploy" {
  for_each = var.environments

  name                 = local.names_deploy[each.key]
  path                 = var.path
  description          = "Deploys ${var.github_repository} to the GitHub environment ${each.key} (eks-promote)."
  assume_role_policy   = local.trust["deploy-${each.key}"]
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "deploy" {
  for_each = var.environments

  name = "deploy"
  role = aws_iam_role.deploy[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # aws eks update-kubeconfig / eks-promote: the endpoint and CA of this environment's cluster
        # (what the role may do inside it is the EKS access entry's AmazonEKSEditPolicy, in its namespace)
        Sid      = "FindCluster"
        Effect   = "Allow"
        Action   = "eks:DescribeCluster"
        Resource = each.value.cluster_arn
      },
      {
        Sid      = "RegistryLogin"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        # eks-promote resolves a tag to its digest and reads the image's revision label
        # (manifest and config blob, never a layer)
        Sid      = "ReadImages"
        Effect   = "Allow"
        Action   = local.ecr_read_actions
        Resource = var.ecr_repository_arns
      },
    ]
  })
}

# --- source (read-only), one per environment that promotes from another -------------------------

resource "aws_iam_role" "source" {
  for_each = local.promoting

  name                 = local.names_source[each.key]
  path                 = var.path
  description          = "Read-only: lets ${var.github_repository}'s jobs in ${each.key} read which image runs in ${each.value.source_environment}."
  assume_role_policy   = local.trust["source-${each.key}"]
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "source" {
  for_each = local.promoting

  name = "read-source"
  role = aws_iam_role.source[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # only the source environment's cluster; inside it, AmazonEKSViewPolicy in its namespace
      Sid      = "FindSourceCluster"
      Effect   = "Allow"
      Action   = "eks:DescribeCluster"
      Resource = local.source_clusters[each.key]
    }]
  })
}
