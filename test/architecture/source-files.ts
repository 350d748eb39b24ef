// The repository's own source files (tracked by git, bundles excluded), for architecture checks
// that grep the code: one Docker wrapper, one image-store detector.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** Tracked TypeScript and JavaScript sources, paths relative to the repository root. */
export function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.mts', '*.mjs', '*.js'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((path) => path !== '' && !path.includes('/dist/') && !path.includes('node_modules/'));
}

/**
 * Test code: test files, test helper folders, the shared fixture package, the repository's own
 * suites and the benchmarks.
 */
export function isTestCode(path: string): boolean {
  return (
    /\.test\.ts$/.test(path) ||
    /(^|\/)(test|testing)\//.test(path) ||
    path.startsWith('packages/test-fixtures/') ||
    path.startsWith('bench/') ||
    path.startsWith('test/')
  );
}

export function read(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}
