import { describe, expect, test } from 'vitest';
import type { ImageStore } from './docker-info.ts';
import { chooseExport, type ExportPath } from './export-plan.ts';

function info(imageStore: ImageStore) {
  return {
    serverVersion: '28.0.0',
    storageDriver: imageStore === 'containerd' ? 'overlayfs' : 'overlay2',
    imageStore,
    imageIdIs: imageStore === 'containerd' ? ('manifest-digest' as const) : ('config-digest' as const),
  };
}

describe('chooseExport: the export that works for each driver and image store', () => {
  test.each<[string | undefined, ImageStore, ExportPath, string]>([
    [
      'docker',
      'classic',
      'buildx-load',
      'builder: buildx 0.29.1 (driver docker, classic image store: no Docker exporter) -> --load + docker save',
    ],
    [
      'docker',
      'containerd',
      'buildx-archive',
      'builder: buildx 0.29.1 (driver docker, containerd image store: the Docker exporter is available) -> --output type=docker,dest=<archive>',
    ],
    [
      'docker-container',
      'classic',
      'buildx-archive',
      'builder: buildx 0.29.1 (driver docker-container, classic image store) -> --output type=docker,dest=<archive>',
    ],
    [
      'docker-container',
      'containerd',
      'buildx-archive',
      'builder: buildx 0.29.1 (driver docker-container, containerd image store) -> --output type=docker,dest=<archive>',
    ],
    [
      undefined,
      'classic',
      'classic',
      'builder: classic (no buildx; classic image store) -> docker build + docker save',
    ],
    [
      undefined,
      'containerd',
      'classic',
      'builder: classic (no buildx; containerd image store) -> docker build + docker save',
    ],
  ])('driver %s, %s store: %s', (driver, store, path, reason) => {
    const plan = chooseExport({
      info: info(store),
      ...(driver ? { buildx: { version: '0.29.1', builder: 'b', driver } } : {}),
    });
    expect(plan).toEqual({ path, reason });
  });
});
