import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseDpkgStatus, parseOsRelease } from './dpkg-status.ts';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'dpkg-status-01', 'status');

describe('parseDpkgStatus', () => {
  test('lists installed and held packages, with architecture and a differing source', () => {
    const { packages, warnings } = parseDpkgStatus(readFileSync(FIXTURE, 'utf8'), 'status', { requireStatus: true });
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { name: 'libc6', version: '2.36-9+deb12u13', architecture: 'amd64', source: 'glibc' },
      { name: 'openjdk-17-jre-headless', version: '17.0.19+10-1~deb12u2', architecture: 'amd64', source: 'openjdk-17' },
      { name: 'base-passwd', version: '3.6.1', architecture: 'amd64' },
      { name: 'tzdata', version: '2025b-0+deb12u2', architecture: 'all' },
      { name: 'epoch-package', version: '1:3.0-1', architecture: 'amd64', source: 'epoch-source' },
    ]);
  });

  test('a status.d file (distroless) has no Status field and counts', () => {
    const text = 'Package: libssl3\nVersion: 3.0.17-1~deb12u2\nArchitecture: amd64\nSource: openssl\n';
    expect(parseDpkgStatus(text, 'status.d/libssl3', { requireStatus: false }).packages).toEqual([
      { name: 'libssl3', version: '3.0.17-1~deb12u2', architecture: 'amd64', source: 'openssl' },
    ]);
  });

  test('skips a paragraph with a bad name or version with a warning naming the line, keeps the rest', () => {
    const text = [
      'Package: Bad_Name\nStatus: install ok installed\nVersion: 1.0\n',
      'Package: good\nStatus: install ok installed\nVersion: 1.0\n',
      'Package: noversion\nStatus: install ok installed\n',
      'Package: spaced\nStatus: install ok installed\nVersion: 1.0 evil\n',
      'this line has no colon\nPackage: after\nStatus: install ok installed\nVersion: 2\n',
    ].join('\n');
    const { packages, warnings } = parseDpkgStatus(text, 'status', { requireStatus: true });
    expect(packages.map((p) => p.name)).toEqual(['good', 'after']);
    expect(warnings).toEqual([
      'status line 16: expected \'Field: value\', got "this line has no colon"',
      'status paragraph at line 1: skipped, Package "Bad_Name" is not a Debian package name',
      'status paragraph at line 9: skipped noversion, Version "" is not a Debian version',
      'status paragraph at line 12: skipped spaced, Version "1.0 evil" is not a Debian version',
    ]);
  });

  test('refuses a file over the limit without parsing it', () => {
    expect(() => parseDpkgStatus('x'.repeat(1025), 'status', { requireStatus: true, maxBytes: 1024 })).toThrow(
      'status: 1025 bytes, expected at most 1024',
    );
  });

  test('garbage (binary, 200 000 lines) ends fast with a bounded number of warnings', { timeout: 60_000 }, () => {
    const garbage = Array.from({ length: 200_000 }, (_, i) => `\u0000\u00ff${i}`).join('\n');
    const started = performance.now();
    const { packages, warnings } = parseDpkgStatus(garbage, 'status', { requireStatus: true });
    // linear: well under a second idle; a quadratic parse would take minutes
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(packages).toEqual([]);
    expect(warnings.length).toBe(21);
    expect(warnings.at(-1)).toBe('more warnings left out');
  });

  test('a paragraph of one million fields is parsed in linear time', { timeout: 60_000 }, () => {
    const text = `Package: big\nStatus: install ok installed\nVersion: 1\n${'X-Field: y\n'.repeat(1_000_000)}`;
    const started = performance.now();
    expect(parseDpkgStatus(text, 'status', { requireStatus: true }).packages).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('parseOsRelease', () => {
  test.each([
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n', { id: 'debian', versionId: '12' }],
    ["ID='ubuntu'\nVERSION_ID=24.04\n", { id: 'ubuntu', versionId: '24.04' }],
    ['ID=debian\nVERSION_CODENAME=trixie\n', { id: 'debian' }],
    ['ID="Debian; rm -rf"\n', undefined],
    ['', undefined],
  ])('%j', (text, expected) => {
    expect(parseOsRelease(text)).toEqual(expected);
  });
});
