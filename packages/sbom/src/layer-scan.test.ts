import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { jar, layerFile, pomProperties } from '../test/archives.ts';
import { scanLayer } from './layer-scan.ts';

const STATUS = 'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n';
const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('scanLayer', () => {
  test('a base layer: dpkg status, status.d (md5sums ignored), os-release, whiteouts; no files listed', async () => {
    const path = await layerFile([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', data: 'ID=debian\nVERSION_ID="12"\n' },
      { name: './var/lib/dpkg/status', data: STATUS },
      { name: 'var/lib/dpkg/status.d/base', data: 'Package: base-files\nVersion: 12.4\nArchitecture: amd64\n' },
      { name: 'var/lib/dpkg/status.d/base.md5sums', data: 'abc  etc/debian_version\n' },
      { name: 'opt/.wh.old', data: '' },
      { name: 'srv/.wh..wh..opq', data: '' },
    ]);
    const findings = await scanLayer(path, true, { collectFiles: false });
    expect(findings).toEqual({
      dpkgStatus: [{ name: 'libc6', version: '2.36-9', architecture: 'amd64' }],
      dpkgStatusD: { base: [{ name: 'base-files', version: '12.4', architecture: 'amd64' }] },
      osRelease: 'ID=debian\nVERSION_ID="12"\n',
      whiteouts: ['opt/old'],
      opaqueDirs: ['srv'],
      files: [],
      maven: [],
      warnings: [],
    });
  });

  test("the build's layer: every file with its sha256, the Maven artifacts of JARs and unpacked pom.properties", async () => {
    const appJar = jar({ 'META-INF/maven/g/app/pom.properties': pomProperties('g', 'app', '2.0') });
    const path = await layerFile(
      [
        { name: 'app/', type: 'directory' },
        { name: 'app/app.jar', data: appJar },
        { name: 'app/META-INF/maven/g/unpacked/pom.properties', data: pomProperties('g', 'unpacked', '3.0') },
        { name: 'app/run.sh', data: '#!/bin/sh\n' },
      ],
      { gzip: false },
    );
    const findings = await scanLayer(path, false, { collectFiles: true });
    expect(findings.files).toEqual([
      { path: '/app/app.jar', size: appJar.length, sha256: sha(appJar) },
      {
        path: '/app/META-INF/maven/g/unpacked/pom.properties',
        size: pomProperties('g', 'unpacked', '3.0').length,
        sha256: sha(pomProperties('g', 'unpacked', '3.0')),
      },
      { path: '/app/run.sh', size: 10, sha256: sha('#!/bin/sh\n') },
    ]);
    expect(findings.maven.map((m) => `${m.file} ${m.groupId}:${m.artifactId}:${m.version}`)).toEqual([
      '/app/app.jar g:app:2.0',
      '/app/META-INF/maven/g/unpacked/pom.properties g:unpacked:3.0',
    ]);
  });

  test('a status file over the limit is skipped with a warning, the rest of the layer still read', async () => {
    const big = `${STATUS}\n${'Description: x\n'.repeat(5_000_000)}`; // ~75 MB, over 64 MiB
    const path = await layerFile([
      { name: 'var/lib/dpkg/status', data: big },
      { name: 'etc/os-release', data: 'ID=debian\n' },
    ]);
    const findings = await scanLayer(path, true, { collectFiles: false });
    expect(findings.dpkgStatus).toBeUndefined();
    expect(findings.osRelease).toBe('ID=debian\n');
    expect(findings.warnings).toEqual([`/var/lib/dpkg/status: skipped, ${big.length} bytes (at most 67108864)`]);
  }, 60_000);

  test('lists at most maxFiles files, with one warning, and still reads what follows', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `app/f${String(i).padStart(2, '0')}`, data: 'x' }));
    const path = await layerFile([...entries, { name: 'var/lib/dpkg/status', data: STATUS }]);
    const findings = await scanLayer(path, true, { collectFiles: true, maxFiles: 10 });
    expect(findings.files).toHaveLength(10);
    expect(findings.warnings).toEqual(['layer has more than 10 files; the rest are not listed']);
    expect(findings.dpkgStatus).toHaveLength(1);
  });

  test.each([
    ['not gzip at all', Buffer.from('definitely not a gzip stream'), true],
    ['tar garbage', Buffer.alloc(4096, 0x41), false],
  ])('%s fails with an error, never hangs', async (_, data, gzip) => {
    const path = `${await layerFile([])}.bad`;
    writeFileSync(path, data);
    await expect(scanLayer(path, gzip, { collectFiles: true })).rejects.toThrow();
  });

  test('an aborted scan rejects at once', async () => {
    const path = await layerFile([{ name: 'var/lib/dpkg/status', data: STATUS.repeat(100_000) }]);
    await expect(scanLayer(path, true, { collectFiles: false, signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });

  test('a truncated gzip layer fails with an error, never hangs', async () => {
    const whole = await layerFile([{ name: 'var/lib/dpkg/status', data: STATUS.repeat(100) }]);
    const path = `${whole}.cut`;
    const bytes = readFileSync(whole);
    writeFileSync(path, bytes.subarray(0, bytes.length - 20));
    await expect(scanLayer(path, true, { collectFiles: true })).rejects.toThrow();
  });
});
