import { makeFatJar, makePlainJar } from '@bakeline/test-fixtures';
import { describe, expect, test } from 'vitest';
import { parseJarManifest, readJar } from './jar-contents.ts';

describe('parseJarManifest', () => {
  test('reads main attributes, joins continuation lines, stops at the first blank line', () => {
    expect(
      parseJarManifest(
        'Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.la\r\n unch.JarLauncher\r\n\r\nName: x\r\nA: b\r\n',
      ),
    ).toEqual({ 'Manifest-Version': '1.0', 'Main-Class': 'org.springframework.boot.loader.launch.JarLauncher' });
  });
});

describe('readJar', () => {
  test('recognises a Spring Boot fat JAR and reads its manifest', { timeout: 60_000 }, async () => {
    const jar = await readJar(makeFatJar());
    try {
      expect(jar.springBootFatJar).toBe(true);
      expect(jar.manifest['Main-Class']).toBe('bakeline.fixture.Launcher');
      expect(jar.entries.map((e) => e.name)).toContain('BOOT-INF/lib/greeting-1.0.jar');
    } finally {
      jar.close();
    }
  });

  test('a plain JAR is not a fat JAR; entries can be read', { timeout: 60_000 }, async () => {
    const jar = await readJar(makePlainJar());
    try {
      expect(jar.springBootFatJar).toBe(false);
      const chunks: Buffer[] = [];
      for await (const c of await jar.open('META-INF/MANIFEST.MF')) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toContain('Main-Class: com.example.plain.Main');
    } finally {
      jar.close();
    }
  });

  test('a file that is not a zip fails naming the file', async () => {
    await expect(readJar(import.meta.filename)).rejects.toThrow(
      /cannot read .*jar-contents\.test\.ts as a zip archive/,
    );
  });
});
