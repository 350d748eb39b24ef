import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, scratch } from '../test/scratch.ts';
import { findPomFiles, mavenCacheKeys } from './cache-key.ts';

function write(file: string, content = '<project/>'): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

describe('findPomFiles', () => {
  it('finds every pom.xml, modules or not, sorted; skips target/, .git/, node_modules/ and hidden directories', () => {
    const dir = copyFixture('pom-parent-chain-01');
    for (const skipped of ['target', '.git', 'node_modules', '.mvn', 'service/target'])
      write(join(dir, skipped, 'pom.xml'));
    expect(findPomFiles(dir)).toEqual(['batch/pom.xml', 'pom.xml', 'service/pom.xml', 'tools/pom.xml']);
  });
});

describe('mavenCacheKeys', () => {
  const project = () =>
    scratch({ 'pom.xml': '<project>1</project>', 'lib/pom.xml': '<project>lib</project>', 'README.md': 'x' });

  it('is maven-<os>-<arch>-<40 hex> with the prefix as restore key', () => {
    const keys = mavenCacheKeys(project(), 'linux-x64');
    expect(keys.key).toMatch(/^maven-linux-x64-[0-9a-f]{40}$/);
    expect(keys.restoreKeys).toEqual(['maven-linux-x64-']);
    expect(keys.poms).toEqual(['lib/pom.xml', 'pom.xml']);
  });

  it('is the same for the same poms in another directory, and ignores other files', () => {
    const a = project();
    const b = project();
    writeFileSync(join(b, 'README.md'), 'changed');
    expect(mavenCacheKeys(a, 'linux-x64').key).toBe(mavenCacheKeys(b, 'linux-x64').key);
  });

  it.each([
    ['the root pom', 'pom.xml', '<project>2</project>'],
    ['a module pom', 'lib/pom.xml', '<project>lib 2</project>'],
    ['a new pom', 'app/pom.xml', '<project/>'],
  ])('changes when %s changes, keeping the restore prefix', (_what, path, content) => {
    const dir = project();
    const before = mavenCacheKeys(dir, 'linux-x64');
    write(join(dir, path), content);
    const after = mavenCacheKeys(dir, 'linux-x64');
    expect(after.key).not.toBe(before.key);
    expect(after.restoreKeys).toEqual(before.restoreKeys);
  });

  it('differs between platforms', () => {
    const dir = project();
    expect(mavenCacheKeys(dir, 'linux-arm64').key.slice(-40)).toBe(mavenCacheKeys(dir, 'linux-x64').key.slice(-40));
    expect(mavenCacheKeys(dir, 'linux-arm64').restoreKeys).toEqual(['maven-linux-arm64-']);
  });

  it('refuses a directory without a pom.xml', () => {
    expect(() => mavenCacheKeys(scratch(), 'linux-x64')).toThrow('cache key: no pom.xml under');
  });
});
