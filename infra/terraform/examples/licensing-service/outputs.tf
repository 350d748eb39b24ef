# Exactly what the caller workflows and the GitHub environments need (README, "Use it on GitHub"):
# set them under Settings -> Secrets and variables -> Actions -> Variables, and per environment.
# BAKELINE_BASE_IMAGE and BAKELINE_MAVEN_ARGUMENTS are the service's own, not infrastructure.

output "repository_variables" {
  description = "Repository variables of the service repository, by name."
  value = {
    BAKELINE_AWS_REGION       = var.aws_region
    BAKELINE_PUSH_ROLE        = module.pipeline_roles.push_role_arn
    BAKELINE_DEV_DEPLOY_ROLE  = module.pipeline_roles.deploy_role_arns["dev"]
    BAKELINE_DEV_CLUSTER_NAME = var.environments["dev"].cluster_name
  }
}

output "environment_variables" {
  description = "Variables of each GitHub environment, by environment then name (the BAKELINE_SOURCE_* ones only where the environment promotes from another)."
  value = { for env, e in var.environments : env => merge(
    {
      BAKELINE_AWS_REGION   = var.aws_region
      BAKELINE_CLUSTER_NAME = e.cluster_name
      BAKELINE_NAMESPACE    = e.namespace
      BAKELINE_WORKLOAD     = e.workload
      BAKELINE_DEPLOY_ROLE  = module.pipeline_roles.deploy_role_arns[env]
    },
    e.source_environment == null ? {} : {
      BAKELINE_SOURCE_ENVIRONMENT  = e.source_environment
      BAKELINE_SOURCE_CLUSTER_NAME = var.environments[e.source_environment].cluster_name
      BAKELINE_SOURCE_NAMESPACE    = var.environments[e.source_environment].namespace
      BAKELINE_SOURCE_ROLE         = module.pipeline_roles.source_role_arns[env]
    },
  ) }
}

output "ecr_repository" {
  description = "build.yml's ecr-repository input (a literal in the caller workflow)."
  value       = module.ecr_repository.repository_name
}
