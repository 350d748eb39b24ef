output "repository_name" {
  description = "Name of the repository (build.yml's ecr-repository)."
  value       = aws_ecr_repository.this.name
}

output "repository_arn" {
  description = "ARN of the repository, for the pipeline roles' permissions."
  value       = aws_ecr_repository.this.arn
}

output "repository_url" {
  description = "URL of the repository, <account>.dkr.ecr.<region>.amazonaws.com/<name>."
  value       = aws_ecr_repository.this.repository_url
}

output "registry_id" {
  description = "Account ID of the registry holding the repository."
  value       = aws_ecr_repository.this.registry_id
}

output "lifecycle_policy" {
  description = "The lifecycle policy text put on the repository."
  value       = aws_ecr_lifecycle_policy.this.policy
}
