# Real AWS by default. With aws_endpoints (the local cloud, or any AWS-compatible stand-in) the
# provider talks only to those endpoints and skips the checks that would reach AWS itself.
locals {
  custom_endpoints = anytrue([for url in values(var.aws_endpoints) : url != null])
}

provider "aws" {
  region = var.aws_region

  skip_credentials_validation = local.custom_endpoints
  skip_requesting_account_id  = local.custom_endpoints
  skip_metadata_api_check     = local.custom_endpoints
  skip_region_validation      = local.custom_endpoints

  dynamic "endpoints" {
    for_each = local.custom_endpoints ? [var.aws_endpoints] : []
    content {
      iam = endpoints.value.iam
      sts = endpoints.value.sts
      ecr = endpoints.value.ecr
      eks = endpoints.value.eks
    }
  }

  default_tags {
    tags = var.tags
  }
}
