// Test fixture: an engine as a test case wants it, on a machine without buildx. A strict
// `docker-buildx` CLI plugin (stand-in/docker-buildx.mjs) in a temp $DOCKER_CONFIG/cli-plugins,
// found by the real docker CLI through the plugin protocol, and a `docker` first on PATH
// (stand-in/docker.mjs) that answers `docker info` with the case's image store and passes
// everything else to the real client.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ImageStore } from '../src/docker-info.ts';

export type BuildxDriver = 'docker' | 'docker-container';

export interface EngineCase {
  /** Absent: no buildx plugin at all. */
  driver?: BuildxDriver;
  imageStore: ImageStore;
}

export interface StandInEngine {
  /** The environment for docker commands (and for an action run): PATH, DOCKER_CONFIG and the stand-in's settings. */
  env: Record<string, string>;
  dockerConfig: string;
  /** Whether the stand-in builds with BuildKit (a docker client with the builtin BuildKit builder was found) or the legacy builder. */
  buildkit: boolean;
}

const here = join(import.meta.dirname, 'stand-in');

function shim(path: string, script: string): void {
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${join(here, script)}" "$@"\n`);
  chmodSync(path, 0o755);
}

function dockersOnPath(path: string): string[] {
  const out = execFileSync('sh', ['-c', 'which -a docker || true'], { encoding: 'utf8', env: { PATH: path } });
  return [...new Set(out.split('\n').filter((l) => l !== ''))];
}

/** A client older than 23 builds with BuildKit itself when DOCKER_BUILDKIT=1 (newer ones hand that to buildx). */
function builtinBuildkitClient(clients: string[]): string | undefined {
  for (const client of clients) {
    try {
      const version = execFileSync(client, ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' }).trim();
      if (Number.parseInt(version, 10) < 23) return client;
    } catch {
      // a client that cannot answer is not used
    }
  }
  return undefined;
}

export function standInEngine(engineCase: EngineCase, base: NodeJS.ProcessEnv = process.env): StandInEngine {
  const path = base.PATH ?? '';
  const clients = dockersOnPath(path);
  const real = clients[0];
  if (!real) throw new Error('buildx stand-in: no docker client on PATH');
  const bin = mkdtempSync(join(tmpdir(), 'bakeline-docker-bin-'));
  shim(join(bin, 'docker'), 'docker.mjs');
  const dockerConfig = mkdtempSync(join(tmpdir(), 'bakeline-docker-config-'));
  if (engineCase.driver) {
    mkdirSync(join(dockerConfig, 'cli-plugins'));
    shim(join(dockerConfig, 'cli-plugins', 'docker-buildx'), 'docker-buildx.mjs');
  }
  if (engineCase.driver === 'docker-container') {
    // as `docker buildx create --name bakeline-container --driver docker-container --use` leaves it
    mkdirSync(join(dockerConfig, 'buildx', 'instances'), { recursive: true });
    writeFileSync(
      join(dockerConfig, 'buildx', 'current'),
      JSON.stringify({ Key: 'unix:///var/run/docker.sock', Name: 'bakeline-container', Global: false }),
    );
    writeFileSync(
      join(dockerConfig, 'buildx', 'instances', 'bakeline-container'),
      JSON.stringify({
        Name: 'bakeline-container',
        Driver: 'docker-container',
        Nodes: [{ Name: 'bakeline-container0', Endpoint: 'unix:///var/run/docker.sock' }],
      }),
    );
  }
  const buildkitClient = builtinBuildkitClient(clients);
  return {
    env: {
      PATH: [bin, path].join(delimiter),
      DOCKER_CONFIG: dockerConfig,
      BAKELINE_STAND_IN_REAL_DOCKER: real,
      BAKELINE_STAND_IN_IMAGE_STORE: engineCase.imageStore,
      BAKELINE_STAND_IN_ENGINE_DOCKER: buildkitClient ?? real,
      BAKELINE_STAND_IN_BUILDKIT: buildkitClient ? '1' : '0',
    },
    dockerConfig,
    buildkit: buildkitClient !== undefined,
  };
}
