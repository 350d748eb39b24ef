# github-oidc at plan time, with a mocked provider (offline).

mock_provider "aws" {}

run "creates_the_github_provider" {
  command = plan

  module {
    source = "../../modules/github-oidc"
  }

  assert {
    condition     = aws_iam_openid_connect_provider.this[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.this[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The provider is GitHub's issuer with audience sts.amazonaws.com."
  }

  assert {
    condition     = output.issuer == "token.actions.githubusercontent.com"
    error_message = "The condition key prefix is the issuer without its scheme."
  }
}

run "refuses_a_wildcard_url_or_audience" {
  command = plan

  module {
    source = "../../modules/github-oidc"
  }

  variables {
    url            = "https://*.githubusercontent.com/"
    client_id_list = ["*"]
  }

  expect_failures = [var.url, var.client_id_list]
}
