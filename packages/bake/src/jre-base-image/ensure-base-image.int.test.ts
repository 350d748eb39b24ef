// Integration: the real base image (debootstrap from apt's mirror on a cold machine, the cache
// after), loaded into the real Docker engine, where `java -version` runs.
import { join } from 'node:path';
import { startDistribution } from '@bakeline/local-cloud';
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

  test('the CLI prints the cached layout and pushes it to a registry by digest', async () => {
    const image = await ensureBaseImage({ logger: consoleLogger });
    const registry = await startDistribution();
    try {
      const cli = join(import.meta.dirname, '..', 'cli', 'base-image.ts');
      const run = await execChecked(process.execPath, [
        cli,
        '--json',
        '--push',
        `${registry.host}/bakeline/jre17-base:test`,
      ]);
      const printed = JSON.parse(run.stdout) as Record<string, string>;
      expect(printed).toMatchObject({ layout: image.layoutDir, digest: image.digest, built: 'false' });
      expect(printed.pushed).toBe(`${registry.host}/bakeline/jre17-base@${image.digest}`);
      const head = await fetch(`${registry.url}/v2/bakeline/jre17-base/manifests/test`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(head.headers.get('docker-content-digest')).toBe(image.digest);
    } finally {
      await registry.stop();
    }
  });
});
