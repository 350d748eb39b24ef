import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import { isMainJar, locateArtifact, sha256File } from './artifact.ts';

const props = (artifactId: string, version = '2.1.0') =>
  `artifactId=${artifactId}\ngroupId=io.bakeline.fixtures\nversion=${version}\n`;

/** A built multi-module tree: a library and a service with their side JARs. */
const root = scratch({
  'pom.xml':
    '<project><groupId>io.bakeline.fixtures</groupId><artifactId>parent</artifactId><version>2.1.0</version></project>',
  'lib/pom.xml': '<project><artifactId>multi-lib</artifactId></project>',
  'lib/target/multi-lib-2.1.0.jar': 'lib',
  'lib/target/multi-lib-2.1.0-sources.jar': 'src',
  'lib/target/maven-archiver/pom.properties': props('multi-lib'),
  'service/pom.xml': '<project><artifactId>multi-service</artifactId></project>',
  'service/target/multi-service-2.1.0.jar': 'service',
  'service/target/multi-service-2.1.0-javadoc.jar': 'doc',
  'service/target/multi-service-2.1.0-tests.jar': 'tests',
  'service/target/original-multi-service-2.1.0.jar': 'original',
  'service/target/multi-service-2.1.0.jar.original': 'boot original',
  'service/target/maven-archiver/pom.properties': props('multi-service'),
});
const modules = [root, join(root, 'lib'), join(root, 'service')];

describe('isMainJar', () => {
  it.each([
    ['app-1.0.jar', true],
    ['app-1.0-sources.jar', false],
    ['app-1.0-javadoc.jar', false],
    ['app-1.0-tests.jar', false],
    ['app-1.0-test-sources.jar', false],
    ['original-app-1.0.jar', false],
    ['app-1.0.jar.original', false],
    ['app-1.0.war', false],
  ])('%s: %s', (name, expected) => {
    expect(isMainJar(name)).toBe(expected);
  });
});

describe('locateArtifact', () => {
  it.each([
    [{ module: 'service' }, 'service/target/multi-service-2.1.0.jar', 'multi-service'],
    [{ module: './service/' }, 'service/target/multi-service-2.1.0.jar', 'multi-service'],
    [{ module: 'multi-lib' }, 'lib/target/multi-lib-2.1.0.jar', 'multi-lib'],
    [{ pattern: 'service/target/*.jar' }, 'service/target/multi-service-2.1.0.jar', 'multi-service'],
    [{ pattern: '**/multi-lib-*.jar' }, 'lib/target/multi-lib-2.1.0.jar', 'multi-lib'],
  ])('%j picks %s', (selector, path, artifactId) => {
    expect(locateArtifact(root, modules, selector)).toEqual({
      path: join(root, path),
      moduleDir: join(root, path.split('/')[0] ?? ''),
      groupId: 'io.bakeline.fixtures',
      artifactId,
      version: '2.1.0',
    });
  });

  it.each([
    [
      {},
      "the build produced several main JARs (lib/target/multi-lib-2.1.0.jar, service/target/multi-service-2.1.0.jar); set 'module' or 'artifact-pattern'",
    ],
    [{ pattern: '**/*.jar' }, "artifact-pattern '**/*.jar' matched 2 main JARs; it must match exactly one"],
    [{ pattern: '**/*-sources.jar' }, "artifact-pattern '**/*-sources.jar' matched 0 main JARs"],
    [{ module: 'web' }, "module 'web' is not a module of the build (modules: ., lib, service)"],
    [
      { module: '.' },
      "module '.' produced 0 main JARs; main JARs built: lib/target/multi-lib-2.1.0.jar, service/target/multi-service-2.1.0.jar",
    ],
  ])('refuses %j', (selector, message) => {
    expect(() => locateArtifact(root, modules, selector)).toThrow(message);
  });

  it('gives undefined when the build made no JAR and none was asked for', () => {
    const dir = scratch({ 'pom.xml': '<project/>', 'target/classes/A.class': '' });
    expect(locateArtifact(dir, [dir], {})).toBeUndefined();
  });

  it('falls back to literal POM coordinates without pom.properties, and refuses property versions', () => {
    const literal = scratch({
      'pom.xml': '<project><groupId>g</groupId><artifactId>a</artifactId><version>3</version></project>',
      'target/a-3.jar': 'x',
    });
    expect(locateArtifact(literal, [literal], {})).toMatchObject({ groupId: 'g', artifactId: 'a', version: '3' });
    const revision = scratch({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Maven property, as written in a POM
      'pom.xml': '<project><groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version></project>',
      'target/a.jar': 'x',
    });
    expect(() => locateArtifact(revision, [revision], {})).toThrow('cannot tell the version');
  });
});

describe('sha256File', () => {
  it('hashes the file', async () => {
    const file = join(root, 'service/target/multi-service-2.1.0.jar');
    expect(await sha256File(file)).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
  });
});
