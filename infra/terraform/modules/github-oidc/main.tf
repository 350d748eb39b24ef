# The IAM OIDC identity provider through which GitHub Actions jobs assume roles
# (sts:AssumeRoleWithWebIdentity), created here or read when the account already has it.

resource "aws_iam_openid_connect_provider" "this" {
  count = var.create ? 1 : 0

  url             = var.url
  client_id_list  = var.client_id_list
  thumbprint_list = length(var.thumbprint_list) > 0 ? var.thumbprint_list : null
  tags            = var.tags
}

data "aws_iam_openid_connect_provider" "existing" {
  count = var.create ? 0 : 1

  url = var.url
}

locals {
  arn = var.create ? aws_iam_openid_connect_provider.this[0].arn : data.aws_iam_openid_connect_provider.existing[0].arn
  # IAM names the condition keys of a web identity provider after its URL without the scheme:
  # token.actions.githubusercontent.com:aud, token.actions.githubusercontent.com:sub
  issuer = trimprefix(var.url, "https://")
}
