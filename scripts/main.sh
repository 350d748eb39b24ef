#!/usr/bin/env bash
# The main job: installs what is missing (idempotently), then runs the pipeline on the example
# service against the local cloud and prints what ran where. Usage: scripts/main.sh [options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
export PATH="$root/.tools/bin:$PATH"
cd "$root"
exec node scripts/main.ts "$@"
