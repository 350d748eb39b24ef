# The AWS side of bakeline for the example service ostock/licensing-service: the GitHub OIDC
# provider, the ECR repository, the pipeline's roles and their EKS access in dev, test and prod.
# The clusters exist already; they are read, never created.

module "github_oidc" {
  source = "../../modules/github-oidc"

  create = var.create_oidc_provider
  url    = var.oidc_provider_url
}

module "ecr_repository" {
  source = "../../modules/ecr-repository"

  name                = var.ecr_repository
  keep_release_images = var.keep_release_images
  force_delete        = var.force_delete_repository
}

data "aws_eks_cluster" "environment" {
  for_each = toset([for e in values(var.environments) : e.cluster_name])

  name = each.value
}

module "pipeline_roles" {
  source = "../../modules/pipeline-roles"

  oidc_provider_arn = module.github_oidc.arn
  oidc_issuer       = module.github_oidc.issuer
  audience          = module.github_oidc.audience
  github_repository = var.github_repository
  push_branch       = var.publish_branch
  name_prefix       = var.name_prefix

  environments = { for env, e in var.environments : env => {
    cluster_arn        = data.aws_eks_cluster.environment[e.cluster_name].arn
    source_environment = e.source_environment
  } }
  ecr_repository_arns        = [module.ecr_repository.repository_arn]
  base_image_repository_arns = var.base_image_repository_arns
}

module "eks_access" {
  source = "../../modules/eks-access"

  deploy_roles = { for env, e in var.environments : env => {
    principal_arn = module.pipeline_roles.deploy_role_arns[env]
    cluster_name  = e.cluster_name
    namespace     = e.namespace
  } }
  source_roles = { for env, e in var.environments : env => {
    principal_arn = module.pipeline_roles.source_role_arns[env]
    cluster_name  = var.environments[e.source_environment].cluster_name
    namespace     = var.environments[e.source_environment].namespace
  } if e.source_environment != null }
}
