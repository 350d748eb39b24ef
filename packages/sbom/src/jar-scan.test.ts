import { describe, expect, test } from 'vitest';
import { jar, pomProperties } from '../test/archives.ts';
import { scanJar } from './jar-scan.ts';

describe('scanJar', () => {
  test('reads its own and shaded pom.properties, and those of nested BOOT-INF/lib JARs', async () => {
    const lib = jar({
      'META-INF/maven/org.slf4j/slf4j-api/pom.properties': pomProperties('org.slf4j', 'slf4j-api', '2.0.13'),
    });
    const bytes = jar({
      'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n',
      'META-INF/maven/io.bakeline/app/pom.properties': pomProperties('io.bakeline', 'app', '1.0.0'),
      'META-INF/maven/io.bakeline/app/pom.xml': '<project/>',
      'META-INF/maven/commons-codec/commons-codec/pom.properties': pomProperties(
        'commons-codec',
        'commons-codec',
        '1.17.1',
      ),
      'BOOT-INF/lib/slf4j-api-2.0.13.jar': lib,
      'BOOT-INF/classes/app/Main.class': 'class',
    });
    const scan = await scanJar(bytes, '/app/app.jar');
    expect(scan.warnings).toEqual([]);
    expect(scan.maven).toEqual([
      {
        groupId: 'io.bakeline',
        artifactId: 'app',
        version: '1.0.0',
        file: '/app/app.jar',
        location: '/app/app.jar!/META-INF/maven/io.bakeline/app/pom.properties',
      },
      {
        groupId: 'commons-codec',
        artifactId: 'commons-codec',
        version: '1.17.1',
        file: '/app/app.jar',
        location: '/app/app.jar!/META-INF/maven/commons-codec/commons-codec/pom.properties',
      },
      {
        groupId: 'org.slf4j',
        artifactId: 'slf4j-api',
        version: '2.0.13',
        file: '/app/app.jar',
        location: '/app/app.jar!/BOOT-INF/lib/slf4j-api-2.0.13.jar!/META-INF/maven/org.slf4j/slf4j-api/pom.properties',
      },
    ]);
  });

  test('a JAR that is not a zip is a warning, not an error', async () => {
    const scan = await scanJar(Buffer.from('not a zip at all'), '/app/app.jar');
    expect(scan.maven).toEqual([]);
    expect(scan.warnings[0]).toMatch(/^\/app\/app\.jar: skipped, not a readable JAR: /);
  });

  test('a broken nested JAR and a malformed pom.properties are skipped with warnings; the rest is read', async () => {
    const bytes = jar({
      'META-INF/maven/g/bad/pom.properties': 'groupId=g\nartifactId=bad\n',
      'META-INF/maven/g/good/pom.properties': pomProperties('g', 'good', '1'),
      'BOOT-INF/lib/broken.jar': 'PK\u0003\u0004 truncated',
    });
    const scan = await scanJar(bytes, '/app/app.jar');
    expect(scan.maven.map((m) => m.artifactId)).toEqual(['good']);
    expect(scan.warnings).toEqual([
      '/app/app.jar!/META-INF/maven/g/bad/pom.properties: skipped: pom.properties: no version',
      expect.stringMatching(/^\/app\/app\.jar!\/BOOT-INF\/lib\/broken\.jar: skipped, not a readable JAR/),
    ]);
  });

  test('a huge pom.properties is skipped by its declared size, unread', async () => {
    const bytes = jar({ 'META-INF/maven/g/a/pom.properties': `groupId=g\n${'#'.repeat(200_000)}\n` });
    const scan = await scanJar(bytes, '/x.jar');
    expect(scan.maven).toEqual([]);
    expect(scan.warnings).toEqual(['/x.jar!/META-INF/maven/g/a/pom.properties: skipped, 200011 bytes (at most 65536)']);
  });

  test('JARs nested two deep are not opened (one level, as Spring Boot nests them)', async () => {
    const inner = jar({ 'META-INF/maven/g/deep/pom.properties': pomProperties('g', 'deep', '1') });
    const middle = jar({
      'BOOT-INF/lib/inner.jar': inner,
      'META-INF/maven/g/mid/pom.properties': pomProperties('g', 'mid', '1'),
    });
    const scan = await scanJar(jar({ 'BOOT-INF/lib/middle.jar': middle }), '/app.jar');
    expect(scan.maven.map((m) => m.artifactId)).toEqual(['mid']);
  });

  test('a zip bomb entry is refused by its declared size before it is inflated', async () => {
    // 8 MiB of one byte compresses to a few KiB
    const bytes = jar({ 'META-INF/maven/g/a/pom.properties': new Uint8Array(8 * 1024 * 1024).fill(0x23) });
    expect(bytes.length).toBeLessThan(100_000);
    const started = performance.now();
    const scan = await scanJar(bytes, '/bomb.jar');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(scan.maven).toEqual([]);
    expect(scan.warnings[0]).toMatch(/skipped, 8388608 bytes/);
  });
});
