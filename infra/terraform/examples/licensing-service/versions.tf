terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State: the local backend (terraform.tfstate here) for the local cloud and trials. For a real
  # account keep state in S3 with S3's own lock file (Terraform >= 1.10; no DynamoDB table):
  # copy backend.s3.tf.example to backend.tf, fill it in, and run terraform init -migrate-state.
}
