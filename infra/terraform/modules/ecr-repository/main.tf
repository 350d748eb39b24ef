# The ECR repository of one service: IMMUTABLE tags, scan on push, encryption at rest, and a
# lifecycle policy that keeps the newest release images and the untagged referrers of those.

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = var.image_tag_mutability
  force_delete         = var.force_delete
  tags                 = var.tags

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = var.encryption_type
    kms_key         = var.encryption_type == "KMS" ? var.kms_key_arn : null
  }
}

locals {
  untagged_kept = var.keep_release_images * var.referrers_per_image + var.other_untagged_images

  # Rules are listed in ascending rulePriority (ECR returns them sorted; any other order shows a diff).
  # Rule 1 selects the release images; as the higher priority rule it also shields them from rule 2.
  # ECR expires an expired image's referrers (attestations) with it. Rule 2 counts the untagged
  # images, referrers included (ECR's guide exempts none), newest first, and keeps the referrers of
  # every kept image plus other_untagged_images more; older untagged images expire, never by age.
  lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the newest ${var.keep_release_images} release images (${join(", ", [for p in var.release_tag_prefixes : "${p}*"])})"
        selection = {
          tagStatus     = "tagged"
          tagPrefixList = var.release_tag_prefixes
          countType     = "imageCountMoreThan"
          countNumber   = var.keep_release_images
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${local.untagged_kept} untagged images: the referrers of the kept release images and ${var.other_untagged_images} more"
        selection = {
          tagStatus   = "untagged"
          countType   = "imageCountMoreThan"
          countNumber = local.untagged_kept
        }
        action = { type = "expire" }
      },
    ]
  })
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy     = local.lifecycle_policy
}
