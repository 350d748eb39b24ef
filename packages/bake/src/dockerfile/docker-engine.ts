// What the Docker engine and client can do: whether buildx answers, and which image store the
// engine runs. On the classic store an image ID is the config digest; on the containerd
// image store (the containerd snapshotter: storage driver `overlayfs`, `stargz`, ... with
// driver-type io.containerd.snapshotter.v1) it is the manifest digest. Detected, never assumed.
import { exec as defaultExec, type Exec, execChecked } from '@bakeline/toolkit';

export type ImageStore = 'classic' | 'containerd';

export interface EngineInfo {
  imageStore: ImageStore;
  /** The storage driver as `docker info` names it. */
  storageDriver: string;
  serverVersion: string;
  /** What `docker image inspect .Id` equals for an image of this store. */
  imageIdIs: 'config-digest' | 'manifest-digest';
}

interface DockerInfo {
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  ServerVersion?: string;
}

/** Parses `docker info --format '{{json .}}'`. */
export function parseEngineInfo(json: string): EngineInfo {
  let info: DockerInfo;
  try {
    info = JSON.parse(json) as DockerInfo;
  } catch (error: unknown) {
    throw new Error(`docker info: not JSON: ${json.slice(0, 200)}`, { cause: error });
  }
  const driver = info.Driver ?? '';
  const status = info.DriverStatus ?? [];
  const snapshotter =
    status.some(([key, value]) => key === 'driver-type' && value.startsWith('io.containerd.snapshotter')) ||
    driver === 'overlayfs' ||
    driver === 'stargz';
  const imageStore: ImageStore = snapshotter ? 'containerd' : 'classic';
  return {
    imageStore,
    storageDriver: driver,
    serverVersion: info.ServerVersion ?? 'unknown',
    imageIdIs: imageStore === 'containerd' ? 'manifest-digest' : 'config-digest',
  };
}

export async function detectEngine(
  docker: string,
  options: { exec?: Exec; env?: Record<string, string | undefined> } = {},
): Promise<EngineInfo> {
  const result = await execChecked(
    docker,
    ['info', '--format', '{{json .}}'],
    { timeoutMs: 30_000, ...(options.env ? { env: options.env } : {}) },
    options.exec ?? defaultExec,
  );
  return parseEngineInfo(result.stdout);
}

/** True when `docker buildx version` answers. */
export async function hasBuildx(
  docker: string,
  options: { exec?: Exec; env?: Record<string, string | undefined> } = {},
): Promise<boolean> {
  const run = options.exec ?? defaultExec;
  try {
    const result = await run(docker, ['buildx', 'version'], {
      timeoutMs: 30_000,
      ...(options.env ? { env: options.env } : {}),
    });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
