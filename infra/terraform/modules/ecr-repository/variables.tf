variable "name" {
  description = "Name of the ECR repository, e.g. ostock/licensing-service (build.yml's ecr-repository)."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.name) >= 2 && length(var.name) <= 256 && can(regex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", var.name))
    error_message = "The name must be an ECR repository name: 2 to 256 lowercase letters, digits and '.', '_', '-' separated path segments, e.g. ostock/licensing-service."
  }
}

variable "image_tag_mutability" {
  description = "Tag mutability. Only IMMUTABLE is accepted: a release is its digest, and a tag that could move to another digest would make the tag lie."
  type        = string
  default     = "IMMUTABLE"
  nullable    = false

  validation {
    condition     = var.image_tag_mutability == "IMMUTABLE"
    error_message = "The image_tag_mutability must be IMMUTABLE; MUTABLE tags are refused (bakeline never moves a tag, and nobody else may)."
  }
}

variable "encryption_type" {
  description = "Encryption at rest: AES256 (ECR-managed keys) or KMS (kms_key_arn, or the AWS managed aws/ecr key when null)."
  type        = string
  default     = "AES256"
  nullable    = false

  validation {
    condition     = contains(["AES256", "KMS"], var.encryption_type)
    error_message = "The encryption_type must be AES256 or KMS."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key with encryption_type KMS (null: AWS managed key aws/ecr)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", coalesce(var.kms_key_arn, "-")))
    error_message = "The kms_key_arn must be a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<id>."
  }
}

variable "release_tag_prefixes" {
  description = "Tag prefix of the release images the lifecycle policy counts (ecr-push tags each image sha-<commit>). Kept: the newest keep_release_images of them."
  type        = list(string)
  default     = ["sha-"]
  nullable    = false

  validation {
    condition     = length(var.release_tag_prefixes) > 0 && alltrue([for p in var.release_tag_prefixes : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", p))])
    error_message = "Each release tag prefix must be a literal tag prefix (letters, digits, '_', '.', '-'); wildcards are refused."
  }
}

variable "keep_release_images" {
  description = "How many of the newest release images (release_tag_prefixes) the lifecycle policy keeps; older ones expire."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.keep_release_images >= 1 && var.keep_release_images <= 1000 && floor(var.keep_release_images) == var.keep_release_images
    error_message = "The keep_release_images must be a whole number from 1 to 1000."
  }
}

variable "referrers_per_image" {
  description = <<-EOT
    Most untagged referrers (attestations: SBOM, provenance, test results, signatures) one release
    image carries. The lifecycle policy keeps the newest keep_release_images * referrers_per_image
    + other_untagged_images untagged images, so the referrers of every kept image stay (see README,
    "Referrers").
  EOT
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.referrers_per_image >= 1 && var.referrers_per_image <= 50 && floor(var.referrers_per_image) == var.referrers_per_image
    error_message = "The referrers_per_image must be a whole number from 1 to 50."
  }
}

variable "other_untagged_images" {
  description = <<-EOT
    Untagged images that are not attestations of kept release images and may be newer than the
    oldest of those (interrupted pushes, attestations pushed again by a re-run). The untagged rule
    keeps keep_release_images * referrers_per_image + other_untagged_images untagged images, so
    no kept image loses an attestation until more than this many such images pile up (see README,
    "Referrers").
  EOT
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.other_untagged_images >= 0 && var.other_untagged_images <= 10000 && floor(var.other_untagged_images) == var.other_untagged_images
    error_message = "The other_untagged_images must be a whole number from 0 to 10000."
  }
}

variable "force_delete" {
  description = "Let terraform destroy delete the repository with its images. Keep false outside throwaway setups."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags of the repository."
  type        = map(string)
  default     = {}
  nullable    = false
}
