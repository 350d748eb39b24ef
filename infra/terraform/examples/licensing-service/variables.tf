variable "aws_region" {
  description = "Region of the ECR repository and of the environments' EKS clusters (BAKELINE_AWS_REGION)."
  type        = string
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "The aws_region must be an AWS region name such as eu-west-1."
  }
}

variable "aws_endpoints" {
  description = "Endpoints of IAM, STS, ECR and EKS when not AWS's own (the local cloud: http://127.0.0.1:<port>). Empty for real AWS."
  type = object({
    iam = optional(string)
    sts = optional(string)
    ecr = optional(string)
    eks = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for u in values(var.aws_endpoints) : u == null || can(regex("^https?://[^/?#]+/?$", coalesce(u, "-")))])
    error_message = "Each of aws_endpoints must be a base URL, http(s)://<host>[:port]."
  }
}

variable "github_repository" {
  description = "The service's GitHub repository, owner/name: the only one whose workflows may assume the roles."
  type        = string
  default     = "ostock/licensing-service"
  nullable    = false
}

variable "oidc_provider_url" {
  description = "Issuer URL of GitHub's OIDC tokens (the local cloud's issuer in a local run)."
  type        = string
  default     = "https://token.actions.githubusercontent.com"
  nullable    = false
}

variable "create_oidc_provider" {
  description = "Create the account's OIDC provider for oidc_provider_url; false when it exists already (one per account and URL)."
  type        = bool
  default     = true
  nullable    = false
}

variable "ecr_repository" {
  description = "ECR repository of the service's images (build.yml's ecr-repository)."
  type        = string
  default     = "ostock/licensing-service"
  nullable    = false
}

variable "publish_branch" {
  description = "The branch whose pushes publish and deploy to dev (build.yml's trigger)."
  type        = string
  default     = "main"
  nullable    = false
}

variable "environments" {
  description = "The GitHub environments in promotion order: where each runs, and the environment it promotes from."
  type = map(object({
    cluster_name       = string
    namespace          = string
    workload           = string
    source_environment = optional(string)
  }))
  default = {
    dev  = { cluster_name = "bakeline-local", namespace = "dev", workload = "licensing-service" }
    test = { cluster_name = "bakeline-local", namespace = "test", workload = "licensing-service", source_environment = "dev" }
    prod = { cluster_name = "bakeline-local", namespace = "prod", workload = "licensing-service", source_environment = "test" }
  }
  nullable = false

  validation {
    condition     = contains(keys(var.environments), "dev")
    error_message = "The environments must include dev: build.yml deploys there."
  }
}

variable "keep_release_images" {
  description = "How many of the newest sha-* images ECR keeps."
  type        = number
  default     = 30
  nullable    = false
}

variable "base_image_repository_arns" {
  description = "ECR repositories of a private base image the push role may pull (build.yml's base-image-registry); empty when the base image is public."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "force_delete_repository" {
  description = "Let terraform destroy delete the ECR repository with its images (throwaway setups such as the local cloud)."
  type        = bool
  default     = false
  nullable    = false
}

variable "name_prefix" {
  description = "Prefix of the IAM role names."
  type        = string
  default     = "bakeline-"
  nullable    = false
}

variable "tags" {
  description = "Tags on everything created."
  type        = map(string)
  default     = { service = "licensing-service", managed-by = "terraform" }
  nullable    = false
}
