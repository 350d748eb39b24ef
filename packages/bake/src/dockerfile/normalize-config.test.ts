import type { ImageConfig } from '@bakeline/oci';
import { describe, expect, test } from 'vitest';
import { normalizeEngineConfig } from './normalize-config.ts';

describe('normalizeEngineConfig', () => {
  test('drops what identifies the build and sets every time to SOURCE_DATE_EPOCH', () => {
    const engine = {
      architecture: 'amd64',
      os: 'linux',
      created: '2026-11-25T08:00:01.123456789Z',
      container: '3f1c0a9e',
      container_config: { Hostname: '3f1c0a9e', Cmd: ['/bin/sh', '-c', '#(nop) COPY file:abc in /app'] },
      docker_version: '20.10.24',
      config: {
        Hostname: '',
        Domainname: '',
        User: '10001',
        AttachStdin: false,
        Env: ['PATH=/usr/bin'],
        Cmd: null,
        Image: 'sha256:parent',
        Volumes: null,
        WorkingDir: '/app',
        Entrypoint: ['java', '-jar', '/app/app.jar'],
        OnBuild: null,
        Labels: { a: 'b' },
      },
      rootfs: { type: 'layers', diff_ids: ['sha256:aa', 'sha256:bb'] },
      history: [
        { created: '2026-01-01T00:00:00Z', created_by: 'debootstrap' },
        { created: '2026-11-25T08:00:01Z', created_by: 'COPY app.jar /app/app.jar' },
      ],
    } as unknown as ImageConfig;
    const normalized = normalizeEngineConfig(engine, '2023-11-14T22:13:20Z');
    expect(normalized).toEqual({
      architecture: 'amd64',
      os: 'linux',
      created: '2023-11-14T22:13:20Z',
      config: {
        User: '10001',
        Env: ['PATH=/usr/bin'],
        WorkingDir: '/app',
        Entrypoint: ['java', '-jar', '/app/app.jar'],
        Labels: { a: 'b' },
      },
      rootfs: { type: 'layers', diff_ids: ['sha256:aa', 'sha256:bb'] },
      history: [
        { created: '2023-11-14T22:13:20Z', created_by: 'debootstrap' },
        { created: '2023-11-14T22:13:20Z', created_by: 'COPY app.jar /app/app.jar' },
      ],
    });
  });
});
