// JARs for tests, built with the JDK's own tools (javac, jar) from tiny sources: a plain JAR, and
// a Spring Boot-shaped fat JAR (BOOT-INF/classes, BOOT-INF/lib/*.jar, a launcher as Main-Class
// and the application's class as Start-Class) that runs unpacked with `java -cp <dir> <Main-Class>`,
// as Spring Boot's JarLauncher does. No Spring needed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const LAUNCHER = `package bakeline.fixture;

import java.io.File;
import java.io.FileInputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Manifest;

/** Runs Start-Class from BOOT-INF/classes with BOOT-INF/lib/*.jar, from an unpacked fat JAR. */
public final class Launcher {
  public static void main(String[] args) throws Exception {
    File root = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest;
    try (FileInputStream in = new FileInputStream(new File(root, "META-INF/MANIFEST.MF"))) {
      manifest = new Manifest(in);
    }
    List<URL> urls = new ArrayList<>();
    urls.add(new File(root, "BOOT-INF/classes/").toURI().toURL());
    File[] libs = new File(root, "BOOT-INF/lib").listFiles();
    if (libs != null) for (File lib : libs) urls.add(lib.toURI().toURL());
    ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), Launcher.class.getClassLoader());
    Method main = loader.loadClass(manifest.getMainAttributes().getValue("Start-Class")).getMethod("main", String[].class);
    main.invoke(null, (Object) args);
  }
}
`;

export interface FatJarOptions {
  /** Printed by the application class (changing it changes only BOOT-INF/classes). */
  message?: string;
  /** Returned by the dependency (changing it changes only BOOT-INF/lib). */
  dependencyText?: string;
}

const built = new Map<string, string>();

/** Builds a fat JAR (once per options in a process); returns its path. */
export function makeFatJar(options: FatJarOptions = {}): string {
  const key = JSON.stringify(options);
  const cached = built.get(key);
  if (cached) return cached;
  const work = mkdtempSync(join(tmpdir(), 'bakeline-fatjar-'));
  const src = join(work, 'src');
  write(
    join(src, 'dep', 'com', 'example', 'dep', 'Greeting.java'),
    `package com.example.dep;\npublic final class Greeting { public static String text() { return ${JSON.stringify(options.dependencyText ?? 'from a dependency')}; } }\n`,
  );
  write(
    join(src, 'app', 'com', 'example', 'app', 'Main.java'),
    `package com.example.app;\npublic final class Main { public static void main(String[] args) { System.out.println(${JSON.stringify(options.message ?? 'fat jar app')} + " / " + com.example.dep.Greeting.text()); } }\n`,
  );
  write(join(src, 'launcher', 'bakeline', 'fixture', 'Launcher.java'), LAUNCHER);
  // one javac for all three (each JVM start costs a second or more on a busy machine)
  const classes = join(work, 'classes');
  execFileSync('javac', [
    '--release',
    '17',
    '-d',
    classes,
    join(src, 'dep', 'com', 'example', 'dep', 'Greeting.java'),
    join(src, 'app', 'com', 'example', 'app', 'Main.java'),
    join(src, 'launcher', 'bakeline', 'fixture', 'Launcher.java'),
  ]);
  const depClasses = join(work, 'dep-classes');
  const layout = join(work, 'layout');
  const lib = join(layout, 'BOOT-INF', 'lib');
  mkdirSync(lib, { recursive: true });
  cpSync(join(classes, 'com', 'example', 'dep'), join(depClasses, 'com', 'example', 'dep'), { recursive: true });
  cpSync(join(classes, 'com', 'example', 'app'), join(layout, 'BOOT-INF', 'classes', 'com', 'example', 'app'), {
    recursive: true,
  });
  cpSync(join(classes, 'bakeline'), join(layout, 'bakeline'), { recursive: true });
  execFileSync('jar', [
    '--create',
    '--date=2024-01-01T00:00:00Z',
    '--file',
    join(lib, 'greeting-1.0.jar'),
    '-C',
    depClasses,
    '.',
  ]);
  write(join(layout, 'BOOT-INF', 'classes', 'application.properties'), 'greeting=hello\n');
  const manifest = join(work, 'MANIFEST.MF');
  writeFileSync(
    manifest,
    'Manifest-Version: 1.0\nMain-Class: bakeline.fixture.Launcher\nStart-Class: com.example.app.Main\nSpring-Boot-Lib: BOOT-INF/lib/\nSpring-Boot-Classes: BOOT-INF/classes/\n',
  );
  const jar = join(work, 'service-1.0.0.jar');
  execFileSync('jar', [
    '--create',
    '--date=2024-01-01T00:00:00Z',
    '--file',
    jar,
    '--manifest',
    manifest,
    '-C',
    layout,
    '.',
  ]);
  built.set(key, jar);
  return jar;
}

/** Builds a plain runnable JAR printing `message`; returns its path. */
export function makePlainJar(message = 'plain jar app'): string {
  const work = mkdtempSync(join(tmpdir(), 'bakeline-jar-'));
  const source = join(work, 'src', 'com', 'example', 'plain', 'Main.java');
  write(
    source,
    `package com.example.plain;\npublic final class Main { public static void main(String[] args) { System.out.println(${JSON.stringify(message)} + " " + String.join(",", args)); } }\n`,
  );
  const classes = join(work, 'classes');
  execFileSync('javac', ['--release', '17', '-d', classes, source]);
  const jar = join(work, 'plain-1.0.0.jar');
  execFileSync('jar', [
    '--create',
    '--date=2024-01-01T00:00:00Z',
    '--file',
    jar,
    '--main-class',
    'com.example.plain.Main',
    '-C',
    classes,
    '.',
  ]);
  return jar;
}
