import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import type { ImageConfig } from '../image-types.ts';
import { epochToIso, reproducibleConfig } from './engine-config.ts';

const D = (c: string) => `sha256:${c.repeat(64)}` as Digest;

describe('reproducibleConfig', () => {
  const engine = {
    architecture: 'amd64',
    config: { Hostname: 'a1b2c3', Domainname: '', Image: 'sha256:parent', Env: ['A=1'], Cmd: ['/app'], User: 'app' },
    container: 'a1b2c3d4',
    container_config: { Hostname: 'a1b2c3', Cmd: ['/bin/sh', '-c', '#(nop) CMD'] },
    created: '2026-11-25T08:00:00.123456789Z',
    docker_version: '20.10.24',
    history: [
      { created: '2026-01-01T00:00:00Z', created_by: 'import' },
      { created: '2026-11-25T08:00:00Z', created_by: 'COPY app /', empty_layer: false },
    ],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [D('a')] },
  } as unknown as ImageConfig;

  it('sets every time to SOURCE_DATE_EPOCH, drops what records the build, keeps the runtime config', () => {
    const out = reproducibleConfig(engine, [D('b')], 1_700_000_000);
    expect(out).toEqual({
      architecture: 'amd64',
      config: { Env: ['A=1'], Cmd: ['/app'], User: 'app' },
      created: '2023-11-14T22:13:20Z',
      history: [
        { created: '2023-11-14T22:13:20Z', created_by: 'import' },
        { created: '2023-11-14T22:13:20Z', created_by: 'COPY app /', empty_layer: false },
      ],
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [D('b')] },
    });
    expect(Object.keys(out)).toEqual(['architecture', 'config', 'created', 'history', 'os', 'rootfs']);
  });

  it('formats the epoch without milliseconds', () => {
    expect(epochToIso(0)).toBe('1970-01-01T00:00:00Z');
  });
});
