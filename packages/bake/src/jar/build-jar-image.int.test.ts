// Integration: images made by the jar builder on the real JRE base image, loaded into the real
// engine and run: the plain JAR with arguments and JAVA_OPTS, the fat JAR through its launcher.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayoutImage } from '@bakeline/oci';
import { makeFatJar, makePlainJar } from '@bakeline/test-fixtures';
import { consoleLogger, execChecked, silentLogger } from '@bakeline/toolkit';
import { beforeAll, describe, expect, test } from 'vitest';
import { type BaseImage, ensureBaseImage } from '../jre-base-image/ensure-base-image.ts';
import { loadLayoutIntoDocker } from '../jre-base-image/load-into-docker.ts';
import { buildJarImage } from './build-jar-image.ts';

let base: BaseImage;

beforeAll(async () => {
  base = await ensureBaseImage({ logger: consoleLogger });
});

async function bakeAndLoad(jarPath: string, tag: string) {
  const image = await readLayoutImage(base.layoutDir, { digest: base.digest });
  const result = await buildJarImage({
    jarPath,
    base: image,
    outputDir: mkdtempSync(join(tmpdir(), 'bakeline-jar-int-')),
    sourceDateEpoch: 1_700_000_000,
    settings: { javaOptions: '-Dgreeting=baked' },
    annotations: {},
    logger: silentLogger,
  });
  const loaded = await loadLayoutIntoDocker(result.layoutDir, result.digest, tag);
  expect(loaded.imageId).toBe(result.configDigest);
  return result;
}

describe('jar builder images run', () => {
  test('a plain JAR runs as user 10001 with the arguments given and JAVA_OPTS from the image or the runtime', async () => {
    await bakeAndLoad(makePlainJar('hello from the plain jar'), 'bakeline-test/plain-jar:int');
    const run = await execChecked('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      'bakeline-test/plain-jar:int',
      'one',
      'two',
    ]);
    expect(run.stdout.trim()).toBe('hello from the plain jar one,two');
    const user = await execChecked('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'id',
      'bakeline-test/plain-jar:int',
      '-u',
    ]);
    expect(user.stdout.trim()).toBe('10001');
    const options = await execChecked('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      'bakeline-test/plain-jar:int',
      '-c',
      'echo "$JAVA_OPTS"',
    ]);
    expect(options.stdout.trim()).toBe('-Dgreeting=baked');
    const bad = await execChecked('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      '-e',
      'JAVA_OPTS=-Xmx1k',
      'bakeline-test/plain-jar:int',
    ]).catch((error: unknown) => error);
    expect(String(bad)).toMatch(/Too small maximum heap|Error occurred during initialization/);
  });

  test('a Spring Boot-shaped fat JAR runs unpacked through its Main-Class, with classes from both layers', async () => {
    const result = await bakeAndLoad(makeFatJar({ message: 'fat app in an image' }), 'bakeline-test/fat-jar:int');
    expect(result.layers.filter((l) => l.origin === 'new')).toHaveLength(2);
    const run = await execChecked('docker', ['run', '--rm', '--network', 'none', 'bakeline-test/fat-jar:int']);
    expect(run.stdout.trim()).toBe('fat app in an image / from a dependency');
  });
});
