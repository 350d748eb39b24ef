// Engine-side fixtures for integration tests: a tiny base image imported from a tar (a few files,
// no binaries), and a stand-in buildx CLI plugin that records its argv and environment and writes
// a docker archive with `docker save`, as buildx's docker exporter would.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Imports a tiny image (etc/os-release, a directory tree) once; returns its reference. */
export function tinyBaseImage(name = 'bakeline-test/tiny-base:1'): string {
  const present = execFileSync('docker', ['image', 'ls', '--quiet', name], { encoding: 'utf8' }).trim();
  if (present !== '') return name;
  const root = mkdtempSync(join(tmpdir(), 'bakeline-tiny-'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=bakeline-tiny\n');
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/nonexistent\n');
  const tar = join(root, '..', `${root.split('/').pop()}.tar`);
  execFileSync('tar', ['-C', root, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', tar, '.']);
  execFileSync('docker', ['import', '--change', 'ENV PATH=/usr/bin:/bin', tar, name]);
  return name;
}

export interface BuildxStandIn {
  /** Set as DOCKER_CONFIG for the docker client. */
  dockerConfig: string;
  /** One argv per call (each element one argument), `buildx` first. */
  calls(): string[][];
  /** SOURCE_DATE_EPOCH as the plugin saw it, per build call. */
  sourceDateEpochs(): string[];
}

/** A `docker-buildx` plugin in a temp DOCKER_CONFIG: answers `version`, and `build` by saving `image`. */
export function buildxStandIn(image: string): BuildxStandIn {
  const dockerConfig = mkdtempSync(join(tmpdir(), 'bakeline-buildx-'));
  const plugins = join(dockerConfig, 'cli-plugins');
  mkdirSync(plugins);
  const record = join(dockerConfig, 'calls');
  mkdirSync(record);
  const script = `#!/bin/sh
set -eu
if [ "\${1:-}" = "docker-cli-plugin-metadata" ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"bakeline tests","Version":"v0.0.0-standin","ShortDescription":"records argv"}'
  exit 0
fi
n=$(ls ${record} | wc -l)
for arg in "$@"; do printf '%s\\0' "$arg"; done > ${record}/$n.argv
printf '%s' "\${SOURCE_DATE_EPOCH:-unset}" > ${record}/$n.sde
if [ "\${2:-}" = "version" ]; then echo "github.com/docker/buildx v0.0.0-standin 0000000"; exit 0; fi
if [ "\${2:-}" = "build" ]; then
  dest=""
  prev=""
  for arg in "$@"; do
    if [ "$prev" = "--output" ]; then dest=$(printf '%s' "$arg" | sed -n 's/^type=docker,dest=//p'); fi
    prev="$arg"
  done
  [ -n "$dest" ] || { echo "stand-in buildx: no --output type=docker,dest=" >&2; exit 2; }
  exec docker save --output "$dest" ${image}
fi
echo "stand-in buildx: unexpected $*" >&2
exit 2
`;
  writeFileSync(join(plugins, 'docker-buildx'), script);
  chmodSync(join(plugins, 'docker-buildx'), 0o755);
  const list = (suffix: string) =>
    execFileSync('ls', [record], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith(suffix))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
      .map((f) => execFileSync('cat', [join(record, f)], { encoding: 'utf8' }));
  return {
    dockerConfig,
    calls: () => list('.argv').map((text) => text.split('\0').slice(0, -1)),
    sourceDateEpochs: () => list('.sde'),
  };
}
