// The parser against dpkg itself: the packages dpkg-query reports as installed from the same
// status file (Debian's dpkg, on every build machine) are exactly the ones the SBOM lists.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseDpkgStatus } from './dpkg-status.ts';

const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'dpkg-status-01', 'status');

test('lists what dpkg-query reports as installed, with the same versions and architectures', () => {
  const admin = mkdtempSync(join(tmpdir(), 'bakeline-dpkg-'));
  try {
    copyFileSync(FIXTURE, join(admin, 'status'));
    const listed = execFileSync(
      'dpkg-query',
      // dpkg-query's own format fields, not template placeholders
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query --showformat syntax
      [`--admindir=${admin}`, '-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture}\\n'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .split('\n')
      .filter((l) => l.startsWith('installed '))
      .map((l) => l.slice('installed '.length))
      .sort();
    expect(listed).toContain('openjdk-17-jre-headless 17.0.19+10-1~deb12u2 amd64');
    const parsed = parseDpkgStatus(readFileSync(FIXTURE, 'utf8'), 'status', { requireStatus: true })
      .packages.map((p) => `${p.name} ${p.version} ${p.architecture}`)
      .sort();
    expect(parsed).toEqual(listed);
  } finally {
    rmSync(admin, { recursive: true, force: true });
  }
});
