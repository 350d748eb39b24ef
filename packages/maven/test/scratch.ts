// Test helpers: fixture files and scratch module trees (not exported from index.ts).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const fixturesDir = join(import.meta.dirname, 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}

/** A scratch directory with the given files (path -> content). */
export function scratch(files: Record<string, string> = {}, prefix = 'bakeline-maven-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A copy of a fixture directory in a scratch directory. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bakeline-${name.replace(/\W+/g, '-')}-`));
  cpSync(join(fixturesDir, name), dir, { recursive: true });
  return dir;
}
