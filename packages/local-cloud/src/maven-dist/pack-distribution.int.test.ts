// Packs the machine's real Maven (found through `mvn -v`) and checks the archive is what Apache
// ships: one apache-maven-<version>/ tree of real files, and a .sha512 that matches it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { machineMaven, packMavenDistribution } from './pack-distribution.ts';

describe('packMavenDistribution', () => {
  it('packs the machine’s Maven with every symlink followed, and its SHA-512 beside it', () => {
    const maven = machineMaven();
    expect(maven.version).toMatch(/^\d+\.\d+\.\d+/);
    const dist = packMavenDistribution(maven);
    onTestFinished(() => rmSync(dist.root, { recursive: true, force: true }));
    const listing = execFileSync('tar', ['-tvzf', dist.archive], { encoding: 'utf8' }).trim().split('\n');
    const top = `apache-maven-${maven.version}/`;
    expect(listing.filter((l) => !l.includes(` ${top}`))).toEqual([]);
    // Only files and directories: a symlink would point into this machine's directories.
    expect(listing.filter((l) => !/^[-d]/.test(l))).toEqual([]);
    const names = listing.map((l) => l.split(/\s+/).at(-1));
    expect(names).toContain(`${top}bin/mvn`);
    expect(names).toContain(`${top}bin/m2.conf`);
    expect(names.filter((n) => n?.startsWith(`${top}lib/`) && n.endsWith('.jar')).length).toBeGreaterThan(10);
    expect(names.some((n) => n?.startsWith(`${top}boot/plexus-classworlds`))).toBe(true);
    const digest = createHash('sha512').update(readFileSync(dist.archive)).digest('hex');
    expect(readFileSync(`${dist.archive}.sha512`, 'utf8')).toBe(`${digest}\n`);
    expect(dist.sha512).toBe(digest);
  }, 120_000);
});
