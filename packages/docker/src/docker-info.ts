// `docker info --format '{{json .}}'`: the engine's version, storage driver and image store.
// The containerd image store shows itself in DriverStatus as ["driver-type",
// "io.containerd.snapshotter.v1"]; buildx reads exactly that pair to decide whether the engine
// can import OCI images (docker/buildx util/dockerutil/client.go, `features`). A storage driver
// name alone (`overlayfs`, `stargz`) is not taken as proof: the one detector follows buildx.

export type ImageStore = 'classic' | 'containerd';

export interface DockerInfo {
  serverVersion: string;
  /** The storage driver as `docker info` names it (`overlay2`, `overlayfs`, ...). */
  storageDriver: string;
  imageStore: ImageStore;
  /** What `docker image inspect .Id` equals for an image of this store. */
  imageIdIs: 'config-digest' | 'manifest-digest';
}

export const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1';

interface RawInfo {
  Driver?: unknown;
  DriverStatus?: unknown;
  ServerVersion?: unknown;
}

/** The image store from DriverStatus (`[[key, value], ...]` or null), as buildx reads it. */
export function imageStoreOf(driverStatus: unknown): ImageStore {
  if (!Array.isArray(driverStatus)) return 'classic';
  const snapshotter = driverStatus.some(
    (pair: unknown) => Array.isArray(pair) && pair[0] === 'driver-type' && pair[1] === CONTAINERD_SNAPSHOTTER,
  );
  return snapshotter ? 'containerd' : 'classic';
}

/** Parses `docker info --format '{{json .}}'`. */
export function parseDockerInfo(json: string): DockerInfo {
  let raw: RawInfo;
  try {
    raw = JSON.parse(json) as RawInfo;
  } catch (error: unknown) {
    throw new Error(`docker info: expected JSON, got: ${json.slice(0, 200)}`, { cause: error });
  }
  if (raw === null || typeof raw !== 'object')
    throw new Error(`docker info: expected a JSON object, got: ${json.slice(0, 200)}`);
  const imageStore = imageStoreOf(raw.DriverStatus);
  return {
    serverVersion: typeof raw.ServerVersion === 'string' ? raw.ServerVersion : 'unknown',
    storageDriver: typeof raw.Driver === 'string' ? raw.Driver : '',
    imageStore,
    imageIdIs: imageStore === 'containerd' ? 'manifest-digest' : 'config-digest',
  };
}
