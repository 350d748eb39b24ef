#!/usr/bin/env bash
# Installs what bakeline's tests and main job need on a fresh Debian 12 machine, from the npm
# registry and Debian's packages only, and starts the Docker engine. Idempotent: a second run
# only checks. Usage: scripts/setup.sh [--no-docker] [--for-tests]
# --for-tests also installs what only the tests use (Debian's chromium, for the run page's
# browser test), so that a newcomer's first main job does not wait for it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
NODE_VERSION=24.9.0
PNPM_VERSION=10.34.8
APT_PACKAGES=(docker.io docker-registry skopeo awscli debootstrap busybox-static)
TEST_APT_PACKAGES=(chromium)
with_docker=true
for arg in "$@"; do
  case "$arg" in
    --no-docker) with_docker=false ;;
    --for-tests) APT_PACKAGES+=("${TEST_APT_PACKAGES[@]}") ;;
    *) printf 'setup: unknown option %s (usage: scripts/setup.sh [--no-docker] [--for-tests])\n' "$arg" >&2; exit 2 ;;
  esac
done

log() { printf 'setup: %s\n' "$*" >&2; }

# 1. Node 24 and pnpm, into .tools/ (the machine's own Node is 20).
if [ "$(.tools/bin/node -v 2>/dev/null)" != "v$NODE_VERSION" ] || [ "$(.tools/bin/pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  log "installing node@$NODE_VERSION and pnpm@$PNPM_VERSION into .tools/"
  npm install -g --prefix "$root/.tools" --allow-scripts=node "node@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null 2>&1 ||
    npm install -g --prefix "$root/.tools" "node@$NODE_VERSION" "pnpm@$PNPM_VERSION" >/dev/null
  [ "$(.tools/bin/node -v)" = "v$NODE_VERSION" ] || { log "node $NODE_VERSION did not install"; exit 1; }
fi
export PATH="$root/.tools/bin:$PATH"

# 2. Debian packages.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 3. Tools that come with the machine image, not from the package sources: fail loudly.
for t in kubectl terraform java mvn git; do
  command -v "$t" >/dev/null 2>&1 || { log "$t is required and comes with the machine image; it is missing here"; exit 1; }
done
# the hashicorp/aws provider cannot be downloaded here: the image keeps it in a plugin mirror,
# which the project's terraform commands use in place (scripts/terraform/cli-config.ts)
node scripts/terraform/cli-config.ts --mirror >/dev/null ||
  { log "the Terraform plugin mirror with hashicorp/aws is required and comes with the machine image; it is missing here"; exit 1; }

# 4. Workspace dependencies, exactly as locked.
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  log "installing workspace dependencies (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile
fi

# 5. The Docker engine.
if [ "$with_docker" = true ]; then
  "$root/scripts/docker-engine.sh"
fi
