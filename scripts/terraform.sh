#!/usr/bin/env bash
# Runs terraform with the project's CLI configuration (the aws provider from the machine's plugin
# mirror, used in place): scripts/terraform.sh -chdir=infra/terraform/examples/licensing-service init
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.tools/bin:$PATH"
command -v terraform >/dev/null 2>&1 || { echo "terraform is required and comes with the machine image; it is missing here" >&2; exit 1; }
config=$(node "$root/scripts/terraform/cli-config.ts")
export TF_CLI_CONFIG_FILE="$config" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
exec terraform "$@"
