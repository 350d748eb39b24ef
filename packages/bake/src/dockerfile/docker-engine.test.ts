import { describe, expect, test } from 'vitest';
import { parseEngineInfo } from './docker-engine.ts';

describe('parseEngineInfo', () => {
  test.each([
    [
      'classic overlay2 (dockerd 20.10 here)',
      {
        Driver: 'overlay2',
        ServerVersion: '20.10.24',
        DriverStatus: [
          ['Backing Filesystem', 'extfs'],
          ['Supports d_type', 'true'],
        ],
      },
      'classic',
      'config-digest',
    ],
    [
      'containerd snapshotter (docker 24+ with the containerd image store)',
      { Driver: 'overlayfs', ServerVersion: '27.3.1', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] },
      'containerd',
      'manifest-digest',
    ],
    [
      'stargz snapshotter',
      { Driver: 'stargz', ServerVersion: '26.0.0', DriverStatus: null },
      'containerd',
      'manifest-digest',
    ],
    ['classic vfs', { Driver: 'vfs', ServerVersion: '24.0.0', DriverStatus: [] }, 'classic', 'config-digest'],
  ])('%s', (_name, info, store, id) => {
    const parsed = parseEngineInfo(JSON.stringify(info));
    expect(parsed.imageStore).toBe(store);
    expect(parsed.imageIdIs).toBe(id);
  });

  test('refuses output that is not JSON', () => {
    expect(() => parseEngineInfo('Cannot connect to the Docker daemon')).toThrow(/docker info: not JSON/);
  });
});
