// Integration: the real base image (debootstrap from apt's mirror on a cold machine, the cache
// after), loaded into the real Docker engine, where `java -version` runs.
import { consoleLogger, execChecked } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { ensureBaseImage } from './ensure-base-image.ts';
import { loadLayoutIntoDocker } from './load-into-docker.ts';

describe('JRE base image', () => {
  test('is served from the per-machine cache, loads into the engine with the config digest as ID, and runs java', async () => {
    const image = await ensureBaseImage({ logger: consoleLogger });
    const again = await ensureBaseImage({ logger: consoleLogger });
    expect(again.built).toBe(false);
    expect(again.digest).toBe(image.digest);

    const loaded = await loadLayoutIntoDocker(image.layoutDir, image.digest, image.tag);
    expect(loaded.imageId).toBe(image.configDigest);
    const run = await execChecked('docker', ['run', '--rm', '--network', 'none', image.tag, 'java', '-version']);
    expect(run.stderr).toMatch(/openjdk version "17\./);
    const env = await execChecked('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      image.tag,
      'sh',
      '-c',
      'echo "$JAVA_HOME"; cat /etc/hostname; ls /var/cache/apt/archives /var/lib/apt/lists',
    ]);
    expect(env.stdout.split('\n')[0]).toBe(image.javaHome);
    expect(env.stdout).not.toMatch(/\.deb/);
  });
});
