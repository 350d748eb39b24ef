#!/usr/bin/env bash
# Starts the Docker engine (dockerd from Debian's docker.io) in the background when it is not
# answering, with its own data root, and waits until `docker version` answers. Idempotent.
set -euo pipefail
data_root=${BAKELINE_DOCKER_DATA_ROOT:-/var/lib/bakeline/docker}
log=${BAKELINE_DOCKER_LOG:-/var/log/bakeline-dockerd.log}
if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: dockerd not found; run scripts/setup.sh (installs Debian's docker.io)" >&2
  exit 1
fi
mkdir -p "$data_root" "$(dirname "$log")"
echo "docker-engine: starting dockerd (data root $data_root, log $log)" >&2
setsid nohup dockerd --data-root "$data_root" --pidfile /run/bakeline-dockerd.pid \
  -H unix:///var/run/docker.sock >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "docker-engine: dockerd $(docker version --format '{{.Server.Version}}') is up" >&2
    exit 0
  fi
  sleep 0.5
done
echo "docker-engine: dockerd did not answer within 60 s; last log lines:" >&2
tail -n 30 "$log" >&2
exit 1
