output "push_role_arn" {
  description = "ARN of the push role: build.yml's aws-role (repository variable BAKELINE_PUSH_ROLE)."
  value       = aws_iam_role.push.arn
}

output "push_role_name" {
  description = "Name of the push role."
  value       = aws_iam_role.push.name
}

output "deploy_role_arns" {
  description = "ARN of each environment's deploy role, by environment (environment variable BAKELINE_DEPLOY_ROLE; dev's is also build.yml's deploy-role)."
  value       = { for env, r in aws_iam_role.deploy : env => r.arn }
}

output "deploy_role_names" {
  description = "Name of each environment's deploy role, by environment."
  value       = { for env, r in aws_iam_role.deploy : env => r.name }
}

output "source_role_arns" {
  description = "ARN of the read-only source role of each environment that promotes from another, by promoting environment (environment variable BAKELINE_SOURCE_ROLE)."
  value       = { for env, r in aws_iam_role.source : env => r.arn }
}

output "source_role_names" {
  description = "Name of each read-only source role, by promoting environment."
  value       = { for env, r in aws_iam_role.source : env => r.name }
}

output "trust_subjects" {
  description = "The one sub each role trusts (StringEquals), by role name."
  value = merge(
    { (local.name_push) = local.push_subject },
    { for env, name in local.names_deploy : name => local.deploy_subjects[env] },
    { for env, name in local.names_source : name => local.source_subjects[env] },
  )
}
