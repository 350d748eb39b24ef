variable "deploy_roles" {
  description = "Deploy roles by environment: each gets an access entry on cluster_name and AmazonEKSEditPolicy scoped to namespace."
  type = map(object({
    principal_arn = string
    cluster_name  = string
    namespace     = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in values(var.deploy_roles) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[^*?]+$", r.principal_arn))])
    error_message = "Each deploy role principal_arn must be an IAM role ARN without wildcards."
  }

  validation {
    condition     = alltrue([for r in values(var.deploy_roles) : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", r.namespace)) && can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$", r.cluster_name))])
    error_message = "Each deploy role needs one Kubernetes namespace (a DNS label; no wildcard, so never cluster-wide) and an EKS cluster name."
  }
}

variable "source_roles" {
  description = "Read-only source roles by promoting environment: each gets an access entry on cluster_name (the source environment's cluster) and AmazonEKSViewPolicy scoped to namespace (the source namespace)."
  type = map(object({
    principal_arn = string
    cluster_name  = string
    namespace     = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in values(var.source_roles) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[^*?]+$", r.principal_arn))])
    error_message = "Each source role principal_arn must be an IAM role ARN without wildcards."
  }

  validation {
    condition     = alltrue([for r in values(var.source_roles) : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", r.namespace)) && can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$", r.cluster_name))])
    error_message = "Each source role needs one Kubernetes namespace (a DNS label; no wildcard, so never cluster-wide) and an EKS cluster name."
  }
}

variable "tags" {
  description = "Tags of the access entries."
  type        = map(string)
  default     = {}
  nullable    = false
}
