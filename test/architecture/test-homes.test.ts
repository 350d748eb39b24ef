// Issue #16, item 7: test helpers and fixtures live in one home per package
// (packages/<p>/test/, actions/<a>/test/), the setup several packages share in
// @bakeline/test-fixtures, and none of it under src/. A helper under src/ that only tests import
// is a test helper in the wrong place; production code that imports a test home would ship it.
//
// Limit: a helper re-exported from a package's index counts as imported by whatever imports the
// index; package-api.test.ts then requires some code outside the package to import its name.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { importersByFile, resolveSpecifier, specifiersOf } from './import-graph.ts';
import { isTestCode, read, repoRoot, sourceFiles } from './source-files.ts';

/** Files under src/ that tests alone may import: path -> why it stays there. */
const EXCEPTIONS: Record<string, string> = {
  'packages/local-cloud/src/index.ts':
    'the local cloud is itself a test stand-in: its index is imported by tests and benchmarks, its CLI by people',
  'packages/oci/src/tar/bounded-parse.ts':
    'packages/oci is being split on the registry-split branch; move to packages/oci/test/ once it lands',
  'packages/oci/src/tar/tar-craft.ts':
    'packages/oci is being split on the registry-split branch; move to packages/oci/test/ once it lands',
};

const IN_SRC = /^(packages|actions)\/[^/]+\/src\//;
/** Entry points: run by a person, a runner or a script, whoever else imports them. */
const ENTRY = /\/src\/(.+\/)?([\w-]+-)?(cli|main|post)\.ts$|\/src\/cli\//;
const TEST_HOME = /^(packages|actions)\/[^/]+\/test\/|^packages\/test-fixtures\//;

/** Files under src/ that only test code imports, directly or through other such files. */
function importedOnlyByTests(): string[] {
  const importers = importersByFile();
  const testOnly = new Set<string>();
  const candidates = sourceFiles().filter((path) => IN_SRC.test(path) && !isTestCode(path) && !ENTRY.test(path));
  for (let changed = true; changed; ) {
    changed = false;
    for (const path of candidates) {
      if (testOnly.has(path)) continue;
      const by = [...(importers.get(path) ?? [])].filter((importer) => importer !== path);
      const byTests = (importer: string) =>
        isTestCode(importer) || (testOnly.has(importer) && EXCEPTIONS[importer] === undefined);
      if (by.length > 0 && by.every(byTests)) {
        testOnly.add(path);
        changed = true;
      }
    }
  }
  return [...testOnly].sort();
}

describe('test homes', () => {
  test('the resolver follows relative specifiers and workspace package names', () => {
    expect(resolveSpecifier('packages/aws/src/ecr-scan.test.ts', '../test/aws-test-server.ts')).toBe(
      'packages/aws/test/aws-test-server.ts',
    );
    expect(resolveSpecifier('actions/ecr-push/src/main.ts', '@bakeline/oci')).toBe('packages/oci/src/index.ts');
    expect(resolveSpecifier('test/reliability/x.ts', '@bakeline/test/harness')).toBe('test/harness/index.ts');
    expect(resolveSpecifier('test/reliability/x.ts', 'node:fs')).toBeUndefined();
    expect(
      specifiersOf(
        "import type { A } from './a.ts';\nexport * from '../b.ts';\nawait import('@bakeline/kube');\n" +
          "new Worker(new URL('./w.worker.ts', import.meta.url));",
      ),
    ).toEqual(['./a.ts', '../b.ts', '@bakeline/kube', './w.worker.ts']);
  });

  test('no file under src/ of a package or action is imported by tests alone', () => {
    const offenders = importedOnlyByTests().filter((path) => EXCEPTIONS[path] === undefined);
    expect(offenders).toEqual([]);
  });

  test('every exception is still a file under src/ that tests alone import', () => {
    const testOnly = new Set(importedOnlyByTests());
    expect(Object.keys(EXCEPTIONS).filter((path) => !testOnly.has(path))).toEqual([]);
  });

  test('no production file imports a test home or @bakeline/test-fixtures', () => {
    const offenders = sourceFiles()
      .filter((path) => !isTestCode(path))
      .flatMap((path) =>
        specifiersOf(read(path))
          .map((specifier) => resolveSpecifier(path, specifier))
          .filter((target): target is string => target !== undefined && TEST_HOME.test(target))
          .map((target) => `${path} -> ${target}`),
      );
    expect(offenders).toEqual([]);
  });

  test('no test, testing or fixtures folder under src/', () => {
    const tracked = execFileSync('git', ['ls-files', '-z', '--', 'packages/*/src/**', 'actions/*/src/**'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).split('\0');
    const misplaced = tracked.filter((path) =>
      /^(packages|actions)\/[^/]+\/src\/(.+\/)?(test|testing|fixtures)\//.test(path),
    );
    expect(misplaced).toEqual([]);
  });
});
