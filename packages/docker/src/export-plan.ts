// How a Dockerfile build becomes a docker archive on this engine, decided from what the engine
// reports. buildx's rules (docker/buildx build/opt.go, exporter set-up; driver/docker/driver.go
// and driver/docker-container/driver.go, Features):
//   - the `docker` driver has the Docker and OCI exporters only when the engine's BuildKit worker
//     runs on the containerd snapshotter (the containerd image store); otherwise
//     `--output type=docker,dest=` fails with "Docker exporter is not supported for the docker
//     driver. Switch to a different driver, or turn on the containerd image store, and try again."
//   - `docker-container` (and the other container drivers) always have them;
//   - `--load` works on every driver (on `docker` it writes straight into the engine).
// So: an archive exporter where buildx has it, else `--load` then `docker save`, and without
// buildx the classic builder then `docker save`.
import type { DockerInfo } from './docker-info.ts';

export type ExportPath = 'buildx-archive' | 'buildx-load' | 'classic';

export interface EngineCapabilities {
  info: DockerInfo;
  /** Absent when `docker buildx version` does not answer. */
  buildx?: { version: string; builder: string; driver: string };
}

export interface ExportPlan {
  path: ExportPath;
  /** One line for the log: what was chosen and why. */
  reason: string;
}

const ARCHIVE_DRIVERS = new Set(['docker-container', 'kubernetes', 'remote']);

export function chooseExport(engine: EngineCapabilities): ExportPlan {
  const store = `${engine.info.imageStore} image store`;
  const { buildx } = engine;
  if (!buildx) {
    return { path: 'classic', reason: `builder: classic (no buildx; ${store}) -> docker build + docker save` };
  }
  const driver = `driver ${buildx.driver}`;
  if (ARCHIVE_DRIVERS.has(buildx.driver)) {
    return {
      path: 'buildx-archive',
      reason: `builder: buildx ${buildx.version} (${driver}, ${store}) -> --output type=docker,dest=<archive>`,
    };
  }
  if (buildx.driver === 'docker' && engine.info.imageStore === 'containerd') {
    return {
      path: 'buildx-archive',
      reason: `builder: buildx ${buildx.version} (${driver}, ${store}: the Docker exporter is available) -> --output type=docker,dest=<archive>`,
    };
  }
  return {
    path: 'buildx-load',
    reason: `builder: buildx ${buildx.version} (${driver}, ${store}: no Docker exporter) -> --load + docker save`,
  };
}
