// The cache key of the local Maven repository: every pom.xml of the build, hashed in path order,
// so any change of a dependency gives a new key; the prefix lets a changed pom start from the
// previous cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CacheKeys {
  key: string;
  restoreKeys: string[];
}

export function mavenCacheKeys(
  root: string,
  moduleDirs: string[],
  platform = `${process.platform}-${process.arch}`,
): CacheKeys {
  const hash = createHash('sha256');
  for (const dir of [...moduleDirs].sort()) {
    const pom = join(dir, 'pom.xml');
    hash.update(`${relative(root, pom)}\0`);
    hash.update(readFileSync(pom));
    hash.update('\0');
  }
  const prefix = `maven-${platform}-`;
  return { key: `${prefix}${hash.digest('hex').slice(0, 40)}`, restoreKeys: [prefix] };
}
