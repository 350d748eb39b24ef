// Which repository file imports which (issue #16, item 7): relative specifiers and the workspace
// packages' names (`@bakeline/<dir>` is packages/<dir>/src/index.ts), resolved to tracked files.
// The data behind the test-homes check: a helper under src/ that only tests import.
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { read, repoRoot, sourceFiles } from './source-files.ts';

/**
 * Module specifiers of static imports, re-exports, side-effect imports and dynamic imports, and
 * module files named by `new URL('./x.ts', import.meta.url)` (workers, child processes).
 */
const SPECIFIERS =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]|\bnew\s+URL\(\s*['"](\.[^'"]+\.m?[jt]s)['"]\s*,\s*import\.meta\.url/gm;

/** The file a specifier names, relative to the repository root, or undefined (npm packages, node:). */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('.')) base = normalize(join(dirname(from), specifier));
  else {
    const workspace = /^@bakeline\/([\w-]+)(?:\/(.+))?$/.exec(specifier);
    if (!workspace) return undefined;
    const [, dir = '', sub] = workspace;
    base = dir === 'test' ? `test/${sub ?? ''}` : `packages/${dir}/src/index.ts`;
  }
  return [base, `${base}.ts`, join(base, 'index.ts')].find(
    (candidate) => /\.(ts|mts|mjs|js)$/.test(candidate) && existsSync(join(repoRoot, candidate)),
  );
}

/** The specifiers a module's text imports. */
export function specifiersOf(text: string): string[] {
  return [...text.matchAll(SPECIFIERS)].map((match) => match[1] ?? match[2] ?? '');
}

/** file -> the files that import it (tracked sources, bundles excluded). */
export function importersByFile(): Map<string, Set<string>> {
  const importers = new Map<string, Set<string>>();
  for (const path of sourceFiles()) {
    for (const specifier of specifiersOf(read(path))) {
      const target = resolveSpecifier(path, specifier);
      if (target === undefined) continue;
      const set = importers.get(target) ?? new Set<string>();
      set.add(path);
      importers.set(target, set);
    }
  }
  return importers;
}
