#!/usr/bin/env bash
# The test command: installs what is missing (idempotently), then runs every suite.
# Last line: `N passed, N failed`. Usage: scripts/test.sh [--unit] [vitest filters...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --for-tests
export PATH="$root/.tools/bin:$PATH"
cd "$root"
exec node scripts/run-tests.ts "$@"
