import { describe, expect, test } from 'vitest';
import { mergeLayers } from './image-inventory.ts';
import type { LayerFindings } from './layer-scan.ts';

const layer = (over: Partial<LayerFindings>): LayerFindings => ({
  dpkgStatusD: {},
  whiteouts: [],
  opaqueDirs: [],
  files: [],
  maven: [],
  warnings: [],
  ...over,
});
const pkg = (name: string, version = '1') => ({ name, version });
const file = (path: string) => ({ path, size: 1, sha256: path });
const maven = (file: string, artifactId: string) => ({ groupId: 'g', artifactId, version: '1', file, location: file });

describe('mergeLayers', () => {
  test('a later status file replaces the earlier; status.d files add up, by file name', () => {
    const inventory = mergeLayers([
      layer({
        dpkgStatus: [pkg('b'), pkg('a')],
        dpkgStatusD: { x: [pkg('x')] },
        osRelease: 'ID=debian\nVERSION_ID=12\n',
      }),
      layer({ dpkgStatus: [pkg('a', '2'), pkg('c')], dpkgStatusD: { y: [pkg('y')], x: [pkg('x', '2')] } }),
    ]);
    expect(inventory.os).toEqual({ id: 'debian', versionId: '12' });
    expect(inventory.packages).toEqual([pkg('a', '2'), pkg('c'), pkg('x', '2'), pkg('y')]);
  });

  test('whiteouts delete files, JARs and dpkg data of the layers below; opaque directories hide them', () => {
    const inventory = mergeLayers([
      layer({
        dpkgStatus: [pkg('a')],
        dpkgStatusD: { x: [pkg('x')], y: [pkg('y')] },
        files: [file('/app/a.jar'), file('/app/lib/b.jar'), file('/etc/conf')],
        maven: [maven('/app/a.jar', 'a'), maven('/app/lib/b.jar', 'b')],
      }),
      layer({
        whiteouts: ['app/a.jar', 'var/lib/dpkg/status.d/x'],
        opaqueDirs: ['app/lib'],
        files: [file('/app/lib/c')],
      }),
      layer({ whiteouts: ['var/lib/dpkg/status'] }),
    ]);
    expect(inventory.packages).toEqual([pkg('y')]);
    expect(inventory.files.map((f) => f.path)).toEqual(['/app/lib/c', '/etc/conf']);
    expect(inventory.maven).toEqual([]);
  });

  test("a file replaced by a later layer keeps only the later layer's Maven findings", () => {
    const inventory = mergeLayers([
      layer({ files: [file('/app/app.jar')], maven: [maven('/app/app.jar', 'old')] }),
      layer({ files: [file('/app/app.jar')], maven: [maven('/app/app.jar', 'new')] }),
    ]);
    expect(inventory.maven.map((m) => m.artifactId)).toEqual(['new']);
  });

  test('files are sorted in code-point order, whatever the locale', () => {
    const inventory = mergeLayers([layer({ files: [file('/b'), file('/B'), file('/a'), file('/É')] })]);
    expect(inventory.files.map((f) => f.path)).toEqual(['/B', '/a', '/b', '/É']);
  });
});
