import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, scratch } from '../test/scratch.ts';
import { inheritedProperty, moduleDirs, projectSetsOutputTimestamp, readPom, resolveParent } from './pom.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const chain = copyFixture('pom-parent-chain-01');
const corporate = copyFixture('pom-repository-parent-01');
const repository = join(corporate, 'repository');
const project = join(corporate, 'project');

describe('readPom', () => {
  it('reads coordinates, modules of profiles too (once each), entities and the parent', () => {
    expect(readPom(chain)).toMatchObject({
      groupId: 'com.acme',
      artifactId: 'shop-parent',
      version: '1.4.0',
      packaging: 'pom',
      modules: ['service', 'batch/pom.xml', 'missing'],
      properties: { 'project.build.outputTimestamp': '2024-05-01T00:00:00Z', 'shop.name': 'A & B' },
      parent: undefined,
    });
  });

  it.each([
    ['service', { groupId: 'com.acme', artifactId: 'shop-service', version: '1.4.0', packaging: 'jar' }],
    ['batch', { groupId: 'com.acme', artifactId: 'shop-batch', version: '1.4.1', packaging: 'jar' }],
  ])('%s inherits what it does not set from its parent reference', (dir, expected) => {
    const pom = readPom(join(chain, dir));
    expect(pom).toMatchObject(expected);
    expect(pom.parent).toEqual({
      groupId: 'com.acme',
      artifactId: 'shop-parent',
      version: '1.4.0',
      relativePath: undefined,
    });
  });

  it('tells an empty relativePath (repository only) from none (../pom.xml)', () => {
    expect(readPom(project).parent?.relativePath).toBe('');
  });

  it.each([
    ['<project><artifactId>x</artifactId>', 'cannot read the POM'],
    ['<settings/>', 'no <project> element'],
  ])('refuses %j naming the file', (xml, message) => {
    const dir = scratch({ 'pom.xml': xml });
    expect(() => readPom(dir)).toThrow(message);
    expect(() => readPom(dir)).toThrow(join(dir, 'pom.xml'));
  });
});

describe('moduleDirs', () => {
  it('lists the root, then modules (profiles included, pom paths resolved), each once, only those on disk', () => {
    expect(moduleDirs(chain)).toEqual([chain, join(chain, 'service'), join(chain, 'batch')]);
  });

  it('walks nested modules of the multi-module fixture', () => {
    const root = join(repoRoot, 'test/fixtures/maven/multi-module-01');
    expect(moduleDirs(root)).toEqual([root, join(root, 'lib'), join(root, 'service')]);
  });
});

describe('parents and inherited properties', () => {
  it('finds the parent through relativePath when its coordinates match', () => {
    expect(resolveParent(readPom(join(chain, 'service')), undefined)?.file).toBe(join(chain, 'pom.xml'));
  });

  it('ignores a relativePath parent with other coordinates, and looks in the repository', () => {
    const dir = scratch({
      'pom.xml': '<project><groupId>a</groupId><artifactId>other</artifactId><version>1</version></project>',
      'app/pom.xml':
        '<project><parent><groupId>com.acme.platform</groupId><artifactId>acme-parent</artifactId><version>7</version></parent><artifactId>app</artifactId></project>',
    });
    expect(resolveParent(readPom(join(dir, 'app')), undefined)).toBeUndefined();
    expect(resolveParent(readPom(join(dir, 'app')), repository)?.artifactId).toBe('acme-parent');
  });

  it.each([
    ['a work-tree parent', join(chain, 'service'), undefined, '2024-05-01T00:00:00Z'],
    ['a repository parent of a work-tree parent', join(project, 'app'), repository, '2023-01-01T00:00:00Z'],
    ['no repository to look in', join(project, 'app'), undefined, undefined],
  ])('reads project.build.outputTimestamp through %s', (_what, dir, repo, expected) => {
    expect(inheritedProperty(dir, 'project.build.outputTimestamp', repo)).toBe(expected);
  });
});

describe('projectSetsOutputTimestamp', () => {
  it.each([
    ['the example service (in its pom)', join(repoRoot, 'examples/licensing-service'), undefined, true],
    ['a parent chain in the work tree', chain, undefined, true],
    ['a corporate parent in the local repository', project, repository, true],
    ['a corporate parent that cannot be found', project, undefined, false],
    ['the multi-module fixture (nowhere)', join(repoRoot, 'test/fixtures/maven/multi-module-01'), undefined, false],
  ])('%s: %s', (_what, root, repo, expected) => {
    expect(projectSetsOutputTimestamp(root, repo)).toBe(expected);
  });

  it('is false when one module of several lacks it (the user property then reaches every module)', () => {
    const dir = scratch({
      'pom.xml':
        '<project><groupId>g</groupId><artifactId>p</artifactId><version>1</version><modules><module>a</module><module>b</module></modules></project>',
      'a/pom.xml':
        '<project><artifactId>a</artifactId><properties><project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp></properties></project>',
      'b/pom.xml': '<project><artifactId>b</artifactId></project>',
    });
    expect(projectSetsOutputTimestamp(dir)).toBe(false);
  });
});
