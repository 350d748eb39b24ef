variable "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider of GitHub Actions (the github-oidc module's arn output)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/[^*?]+$", var.oidc_provider_arn))
    error_message = "The oidc_provider_arn must be arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>, without wildcards."
  }
}

variable "oidc_issuer" {
  description = "The OIDC issuer without its scheme (the github-oidc module's issuer output), the prefix of the condition keys: token.actions.githubusercontent.com on GitHub.com."
  type        = string
  default     = "token.actions.githubusercontent.com"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*$", var.oidc_issuer))
    error_message = "The oidc_issuer must be the issuer's host[:port][/path] without scheme, trailing slash or wildcard."
  }
}

variable "audience" {
  description = "The audience (aud) the GitHub OIDC token must carry, StringEquals."
  type        = string
  default     = "sts.amazonaws.com"
  nullable    = false

  validation {
    condition     = var.audience != "" && !can(regex("[*?]", var.audience))
    error_message = "The audience must be a non-empty literal without wildcards."
  }
}

variable "github_repository" {
  description = "The service repository whose workflows assume the roles, as owner/name (the sub claim starts with repo:<owner>/<name>:)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "The github_repository must be <owner>/<name> (letters, digits, '-', '_', '.'); a wildcard would let other repositories assume the roles."
  }
}

variable "push_branch" {
  description = "The branch whose pushes publish images: the push role trusts exactly sub repo:<owner>/<name>:ref:refs/heads/<push_branch>."
  type        = string
  default     = "main"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.push_branch)) && !startswith(var.push_branch, "refs/") && !strcontains(var.push_branch, "..")
    error_message = "The push_branch must be one branch name without refs/heads/ (letters, digits, '.', '_', '/', '-'); wildcards such as * are refused."
  }
}

variable "environments" {
  description = <<-EOT
    GitHub environments the service deploys to, by name. Each gets a deploy role trusted exactly by
    sub repo:<owner>/<name>:environment:<name>, allowed eks:DescribeCluster on cluster_arn and to read
    the images. An environment with source_environment (the one it promotes from) also gets a
    read-only source role, trusted by the same sub, allowed eks:DescribeCluster on the source
    environment's cluster only.
  EOT
  type = map(object({
    cluster_arn        = string
    source_environment = optional(string)
  }))
  nullable = false

  validation {
    condition     = length(var.environments) > 0 && alltrue([for name in keys(var.environments) : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*$", name))])
    error_message = "Name at least one environment; names are letters, digits, '.', '_', '-' (a wildcard such as * would let any environment assume the role)."
  }

  validation {
    condition     = alltrue([for e in values(var.environments) : can(regex("^arn:aws[a-z-]*:eks:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9][A-Za-z0-9_-]*$", e.cluster_arn))])
    error_message = "Each cluster_arn must be the ARN of one EKS cluster, arn:<partition>:eks:<region>:<account>:cluster/<name>, without wildcards."
  }

  validation {
    condition = alltrue([
      for name, e in var.environments : e.source_environment == null || (
        contains(keys(var.environments), coalesce(e.source_environment, "-")) && e.source_environment != name
      )
    ])
    error_message = "Each source_environment must name another environment of this map."
  }
}

variable "ecr_repository_arns" {
  description = "ARNs of the ECR repositories the push role pushes to and the deploy roles read images from."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.ecr_repository_arns) > 0 && alltrue([for a in var.ecr_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", a))])
    error_message = "Name at least one ECR repository ARN, arn:<partition>:ecr:<region>:<account>:repository/<name>, without wildcards."
  }
}

variable "base_image_repository_arns" {
  description = "ARNs of ECR repositories holding a private base image: the push role may pull from them (build.yml's base-image-registry login). Empty when the base image needs no login."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.base_image_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", a))])
    error_message = "Each base image repository must be an ECR repository ARN without wildcards."
  }
}

variable "name_prefix" {
  description = "Prefix of the role names: <prefix>ecr-push, <prefix>deploy-<env>, <prefix>source-<env>."
  type        = string
  default     = "bakeline-"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{0,40}$", var.name_prefix))
    error_message = "The name_prefix may hold up to 40 of IAM's role name characters (letters, digits, +=,.@_-)."
  }
}

variable "path" {
  description = "IAM path of the roles."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-.0-~]+/)*$", var.path))
    error_message = "The path must start and end with '/'."
  }
}

variable "permissions_boundary" {
  description = "ARN of a managed policy to set as every role's permissions boundary (null: none)."
  type        = string
  default     = null
}

variable "max_session_duration" {
  description = "Maximum session of the roles, in seconds (3600 to 43200)."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "The max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "tags" {
  description = "Tags of every role."
  type        = map(string)
  default     = {}
  nullable    = false
}
