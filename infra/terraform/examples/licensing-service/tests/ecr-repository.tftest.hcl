# ecr-repository at plan time, with a mocked provider (offline): IMMUTABLE tags, scan on push,
# encryption, and the lifecycle policy's rules; MUTABLE tags, wildcard prefixes and a negative
# untagged margin refused.

mock_provider "aws" {}

variables {
  name = "ostock/licensing-service"
}

run "immutable_scanned_encrypted_with_lifecycle" {
  command = plan

  module {
    source = "../../modules/ecr-repository"
  }

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be IMMUTABLE."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "AES256"
    error_message = "The repository must be encrypted at rest."
  }

  # tests/fixtures/lifecycle-policy.json is also checked against the local ECR's validation of
  # lifecycle policies (test/infra/terraform.test.ts): the module renders exactly that document.
  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy) == jsondecode(file("tests/fixtures/lifecycle-policy.json"))
    error_message = "Rule 1 keeps the newest 30 sha-* images (and, as the higher priority, shields them from rule 2); rule 2 keeps the newest 30 x 4 + 100 untagged images, the referrers of the kept ones and other untagged images, and expires older untagged images by count, never by age."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2
    error_message = "No other rule may expire images (a tagStatus any rule would count the referrers)."
  }
}

run "refuses_mutable_tags_and_wildcard_prefixes" {
  command = plan

  module {
    source = "../../modules/ecr-repository"
  }

  variables {
    image_tag_mutability  = "MUTABLE"
    release_tag_prefixes  = ["sha-*"]
    other_untagged_images = -1
  }

  expect_failures = [var.image_tag_mutability, var.release_tag_prefixes, var.other_untagged_images]
}
