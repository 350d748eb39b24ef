// Test helpers: fixture files and scratch module trees (not exported from index.ts).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

// Every scratch directory of a test file goes when the file ends (the module is loaded once per
// test file, while its tests are collected).
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const fixturesDir = join(import.meta.dirname, 'fixtures');

export function fixture(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}

/** A scratch directory with the given files (path -> content). */
export function scratch(files: Record<string, string> = {}, prefix = 'bakeline-maven-'): string {
  const dir = scratchDir(prefix);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A copy of a fixture directory in a scratch directory. */
export function copyFixture(name: string): string {
  const dir = scratchDir(`bakeline-${name.replace(/\W+/g, '-')}-`);
  cpSync(join(fixturesDir, name), dir, { recursive: true });
  return dir;
}
