// Issue #16, item 3: each package's src/index.ts exports what other packages, the actions, the
// scripts and the tests import from it, and no more. A name nobody outside the package imports
// is an internal: drop it from the index (its module still exports it for the package's own
// code and tests), or list it below with the reason it is public anyway.
import { describe, expect, test } from 'vitest';
import { exportedNames, packageApis } from './package-api.ts';

/** Public on purpose although nothing in this repository imports it yet: `package/name` -> why. */
const EXCEPTIONS: Record<string, string> = {};

describe('curated package APIs', () => {
  test('the export parser sees named, declared and star exports', () => {
    const kube = exportedNames('packages/kube/src/index.ts');
    expect(kube.has('promote')).toBe(true);
    expect(kube.has('Deployment')).toBe(true);
    const localCloud = exportedNames('packages/local-cloud/src/index.ts');
    expect(localCloud.has('startGithubDeploymentsApi')).toBe(true);
  });

  test('no index exports a name that nothing outside its package imports', () => {
    const unused = packageApis().flatMap((api) =>
      api.importedOutside.has('*')
        ? []
        : [...api.exported]
            .filter((name) => !api.importedOutside.has(name) && EXCEPTIONS[`${api.dir}/${name}`] === undefined)
            .map((name) => `${api.name}: ${name}`),
    );
    expect(unused.sort()).toEqual([]);
  });

  test('every exception names an export that still exists', () => {
    const exported = new Set(packageApis().flatMap((api) => [...api.exported].map((name) => `${api.dir}/${name}`)));
    expect(Object.keys(EXCEPTIONS).filter((key) => !exported.has(key))).toEqual([]);
  });
});
