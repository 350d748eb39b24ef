#!/usr/bin/env bash
# The main job: installs what is missing (idempotently), then runs the pipeline on the example
# service against the local cloud and prints what ran where.
# Usage: scripts/main.sh            run the pipeline
#        scripts/main.sh stop       stop the local cloud
#        eval "$(scripts/main.sh env)"   point aws, kubectl and skopeo at the running local cloud
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  stop | env) ;;
  *) echo "bakeline main job: the end-to-end pipeline on examples/licensing-service, against the local cloud" >&2 ;;
esac
# setup's own output goes to stderr: `env` prints only shell lines on stdout
"$root/scripts/setup.sh" >&2
export PATH="$root/.tools/bin:$PATH"
cd "$root"
exec node scripts/main.ts "$@"
