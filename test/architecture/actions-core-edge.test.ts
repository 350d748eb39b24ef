// Issue #16, item 2: only the action edge talks to the runner. `@actions/core` is imported by
// packages/action-io, the actions and test code, and declared as a run-time dependency only by
// packages/action-io and the actions; every other package takes typed arguments and a Logger.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { isTestCode, read, repoRoot, sourceFiles } from './source-files.ts';

/** An import of @actions/core: static, type-only, re-export, dynamic or require. */
const IMPORTS_CORE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"`]@actions\/core['"`]/m;

const EDGE = 'packages/action-io/';
const mayImportCore = (path: string) => path.startsWith(EDGE) || path.startsWith('actions/') || isTestCode(path);

function manifests(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', 'package.json', '*/package.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((path) => path !== '' && !path.includes('/dist/') && !path.includes('node_modules/'));
}

describe('the action edge', () => {
  test('the pattern catches the shapes it is meant to catch', () => {
    for (const line of [
      "import * as core from '@actions/core';",
      "import type { AnnotationProperties } from '@actions/core';",
      "export { setOutput } from '@actions/core';",
      "const core = await import('@actions/core');",
      "const core = require('@actions/core');",
      "import '@actions/core';",
    ]) {
      expect(line).toMatch(IMPORTS_CORE);
    }
    expect("import { getOctokit } from '@actions/github';").not.toMatch(IMPORTS_CORE);
    expect('// as @actions/core appends `&audience=...`').not.toMatch(IMPORTS_CORE);
  });

  test('no file outside packages/action-io, actions/* and test code imports @actions/core', () => {
    const offenders = sourceFiles().filter((path) => !mayImportCore(path) && IMPORTS_CORE.test(read(path)));
    expect(offenders).toEqual([]);
  });

  test('packages/action-io is where the runner is reached', () => {
    const edge = sourceFiles().filter((path) => path.startsWith(EDGE) && IMPORTS_CORE.test(read(path)));
    expect(edge.length).toBeGreaterThan(0);
  });

  test('only packages/action-io and the actions depend on @actions/core at run time', () => {
    const declaring = manifests().filter((path) => {
      const manifest = JSON.parse(read(path)) as { dependencies?: Record<string, string> };
      return manifest.dependencies?.['@actions/core'] !== undefined;
    });
    expect(declaring.filter((path) => !path.startsWith(EDGE) && !path.startsWith('actions/'))).toEqual([]);
  });
});
