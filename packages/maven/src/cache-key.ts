// The cache key of the local Maven repository: `maven-<os>-<arch>-<hash>`, the hash taken over every
// pom.xml under the project (path and content, in sorted path order), so any dependency change
// gives a new key; the restore-key prefix `maven-<os>-<arch>-` lets a changed pom start from the
// newest previous cache.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface CacheKeys {
  key: string;
  restoreKeys: string[];
  /** The pom.xml files hashed, relative to the root, in hash order. */
  poms: string[];
}

/** Directories that never hold a pom.xml of the build. */
const SKIPPED = new Set(['target', 'node_modules', '.git']);

/** Every pom.xml under `root` (build output, VCS and hidden directories skipped), relative, sorted. */
export function findPomFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 12) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name), depth + 1);
      } else if (entry.isFile() && entry.name === 'pom.xml') {
        found.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(root, 0);
  return found.sort();
}

export function mavenCacheKeys(root: string, platform = `${process.platform}-${process.arch}`): CacheKeys {
  const poms = findPomFiles(root);
  if (poms.length === 0) throw new Error(`cache key: no pom.xml under ${root}`);
  const hash = createHash('sha256');
  for (const pom of poms) {
    hash.update(`${pom}\0`);
    hash.update(readFileSync(join(root, pom)));
    hash.update('\0');
  }
  const prefix = `maven-${platform}-`;
  return { key: `${prefix}${hash.digest('hex').slice(0, 40)}`, restoreKeys: [prefix], poms };
}
