import { describe, expect, test } from 'vitest';
import { parseDockerInfo } from './docker-info.ts';

describe('parseDockerInfo: the image store, as buildx reads it', () => {
  test.each([
    [
      'classic overlay2 (dockerd 20.10 here; GitHub-hosted Ubuntu runners)',
      { Driver: 'overlay2', ServerVersion: '20.10.24', DriverStatus: [['Backing Filesystem', 'extfs']] },
      'classic',
      'config-digest',
    ],
    [
      'containerd snapshotter (docker with the containerd image store turned on)',
      { Driver: 'overlayfs', ServerVersion: '27.3.1', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] },
      'containerd',
      'manifest-digest',
    ],
    [
      'the driver name overlayfs alone is not the containerd store (buildx reads driver-type only)',
      { Driver: 'overlayfs', ServerVersion: '27.3.1', DriverStatus: [['Backing Filesystem', 'extfs']] },
      'classic',
      'config-digest',
    ],
    ['DriverStatus null', { Driver: 'vfs', ServerVersion: '28.0.0', DriverStatus: null }, 'classic', 'config-digest'],
    [
      'another snapshotter type is not the containerd store',
      { Driver: 'stargz', ServerVersion: '26.0.0', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v2']] },
      'classic',
      'config-digest',
    ],
  ])('%s', (_name, info, store, imageIdIs) => {
    const parsed = parseDockerInfo(JSON.stringify(info));
    expect(parsed.imageStore).toBe(store);
    expect(parsed.imageIdIs).toBe(imageIdIs);
    expect(parsed.storageDriver).toBe(info.Driver);
    expect(parsed.serverVersion).toBe(info.ServerVersion);
  });

  test('refuses what is not a JSON object, quoting it', () => {
    expect(() => parseDockerInfo('Client: Docker Engine')).toThrow(/docker info: expected JSON, got: Client/);
    expect(() => parseDockerInfo('null')).toThrow(/expected a JSON object/);
  });
});
