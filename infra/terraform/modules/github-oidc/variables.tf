variable "create" {
  description = "Create the IAM OIDC provider. Set to false when the account already has one for this URL (an account holds at most one per URL); the module then reads it."
  type        = bool
  default     = true
  nullable    = false
}

variable "url" {
  description = "Issuer URL of the OIDC provider: https://token.actions.githubusercontent.com for GitHub.com (GitHub Enterprise Server: https://<host>/_services/token). No trailing slash."
  type        = string
  default     = "https://token.actions.githubusercontent.com"
  nullable    = false

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~-]+)*$", var.url))
    error_message = "The url must be https://<host>[:port][/path] without a trailing slash, query or wildcard."
  }
}

variable "client_id_list" {
  description = "Audiences (client IDs) the provider accepts. The AWS actions ask GitHub for tokens with audience sts.amazonaws.com."
  type        = list(string)
  default     = ["sts.amazonaws.com"]
  nullable    = false

  validation {
    condition     = length(var.client_id_list) > 0 && alltrue([for c in var.client_id_list : c != "" && !strcontains(c, "*")])
    error_message = "The client_id_list must name at least one audience, none empty and none with a wildcard."
  }
}

variable "thumbprint_list" {
  description = "Server certificate thumbprints. IAM no longer needs them for GitHub's issuer (it trusts its root CAs); leave empty unless the issuer is served with a private CA."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for t in var.thumbprint_list : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "Each thumbprint must be 40 hexadecimal digits (a SHA-1 fingerprint)."
  }
}

variable "tags" {
  description = "Tags of the OIDC provider (when created)."
  type        = map(string)
  default     = {}
  nullable    = false
}
