// What each workspace package's src/index.ts exports, and which of those names code outside the
// package imports: the data behind the curated-API check (issue #16, item 3).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { read, repoRoot, sourceFiles } from './source-files.ts';

const NAMED_EXPORTS = /export\s+(?:type\s+)?\{([^}]*)\}\s*(?:from\s*['"]([^'"]+)['"])?/g;
const STAR_EXPORTS = /export\s+(?:type\s+)?\*\s+from\s*['"]([^'"]+)['"]/g;
const DECLARED_EXPORTS =
  /export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g;

/** The names in `{ a, type B, c as d }`: as exported (`d`) or as imported from the package (`c`). */
function names(list: string, side: 'exported' | 'imported' = 'exported'): string[] {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^type\s+/, ''))
    .filter((item) => item !== '')
    .map((item) => {
      const [original = item, alias = original] = item.split(/\s+as\s+/);
      return (side === 'exported' ? alias : original).trim();
    });
}

/** The names a module exports, following `export * from` into the package's own files. */
export function exportedNames(path: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(path)) return found;
  seen.add(path);
  const text = read(path);
  for (const match of text.matchAll(NAMED_EXPORTS)) for (const name of names(match[1] ?? '')) found.add(name);
  for (const match of text.matchAll(DECLARED_EXPORTS)) if (match[1]) found.add(match[1]);
  for (const match of text.matchAll(STAR_EXPORTS)) {
    const target = join(dirname(path), match[1] ?? '');
    if (existsSync(resolve(repoRoot, target))) for (const name of exportedNames(target, seen)) found.add(name);
  }
  return found;
}

export interface PackageApi {
  /** The package's folder name under packages/ and its npm name. */
  dir: string;
  name: string;
  exported: Set<string>;
  /** Names imported from the package by files outside it; `*` for a namespace import. */
  importedOutside: Set<string>;
}

export function packageApis(): PackageApi[] {
  const files = sourceFiles();
  const texts = new Map(files.map((path) => [path, read(path)]));
  return readdirSync(join(repoRoot, 'packages'))
    .filter((dir) => existsSync(join(repoRoot, 'packages', dir, 'src', 'index.ts')))
    .map((dir) => {
      const name = `@bakeline/${dir}`;
      const from = `\\s*from\\s*['"]${name.replace('/', '\\/')}['"]`;
      const named = new RegExp(`(?:import|export)\\s+(?:type\\s+)?\\{([^}]*)\\}${from}`, 'g');
      const dynamic = new RegExp(`\\{([^}]*)\\}\\s*=\\s*await\\s+import\\(\\s*['"]${name}['"]\\s*\\)`, 'g');
      const namespace = new RegExp(`import\\s+(?:type\\s+)?\\*\\s+as\\s+\\w+${from}`);
      const importedOutside = new Set<string>();
      for (const [path, text] of texts) {
        if (path.startsWith(`packages/${dir}/`)) continue;
        for (const match of [...text.matchAll(named), ...text.matchAll(dynamic)]) {
          for (const n of names(match[1] ?? '', 'imported')) importedOutside.add(n);
        }
        if (namespace.test(text)) importedOutside.add('*');
      }
      return { dir, name, exported: exportedNames(`packages/${dir}/src/index.ts`), importedOutside };
    });
}
