// Which Maven runs: the decision, through the exec seam (`mvn -v`) and a tool cache that records
// what it is asked. Downloading and caching for real are in actions/maven-build's integration test.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exec } from '@bakeline/toolkit';
import { silentLogger } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import { resolveMaven } from './maven-resolve.ts';
import type { ToolCache } from './tool-cache.ts';

/** A directory holding an executable `mvn` (never run: `mvn -v` goes through the exec seam). */
function binWithMvn(): string {
  const bin = scratch();
  writeFileSync(join(bin, 'mvn'), '#!/bin/sh\nexit 99\n');
  chmodSync(join(bin, 'mvn'), 0o755);
  return bin;
}

function mvnVersion(version: string): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  const run: Exec = async (command, args) => {
    calls.push([command, ...args]);
    return {
      exitCode: 0,
      signal: null,
      stdout: `Apache Maven ${version}\nMaven home: /opt/maven\n`,
      stderr: '',
      durationMs: 1,
    };
  };
  return Object.assign(run, { calls });
}

/** Has nothing cached; refuses to download, recording the URL (the decision is what is tested). */
function emptyToolCache(): ToolCache & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    find: () => '',
    download: async (url) => {
      urls.push(url);
      throw new Error('offline');
    },
    extractTar: async () => '',
    cacheDir: async () => '',
  };
}

function options(overrides: { path: string; version?: string; exec?: Exec; toolCache?: ToolCache; project?: string }) {
  return {
    workingDirectory: overrides.project ?? scratch({ 'pom.xml': '<project/>' }),
    useWrapper: true,
    path: overrides.path,
    exec: overrides.exec ?? mvnVersion('3.8.7'),
    logger: silentLogger,
    ...(overrides.version ? { version: overrides.version } : {}),
    install: {
      mirror: 'http://127.0.0.1:9',
      toolCache: overrides.toolCache ?? emptyToolCache(),
      scratchDir: scratch(),
    },
  };
}

describe('resolveMaven', () => {
  it('keeps the mvn on PATH when no version is asked for, without running it', async () => {
    const exec = mvnVersion('3.8.7');
    expect(await resolveMaven(options({ path: binWithMvn(), exec }))).toEqual({
      maven: undefined,
      installed: undefined,
    });
    expect(exec.calls).toEqual([]);
  });

  it('runs the mvn on PATH when it is the version asked for', async () => {
    const bin = binWithMvn();
    const exec = mvnVersion('3.8.7');
    const resolved = await resolveMaven(options({ path: bin, version: '3.8.7', exec }));
    expect(resolved.maven).toEqual({ command: join(bin, 'mvn'), reason: 'maven-version 3.8.7 is asked for' });
    expect(exec.calls).toEqual([[join(bin, 'mvn'), '-v', '-B']]);
  });

  it('installs the version asked for when the mvn on PATH is another one', async () => {
    const toolCache = emptyToolCache();
    await expect(resolveMaven(options({ path: binWithMvn(), version: '3.9.9', toolCache }))).rejects.toThrow(
      'could not download http://127.0.0.1:9/maven-3/3.9.9/binaries/apache-maven-3.9.9-bin.tar.gz.sha512',
    );
    expect(toolCache.urls).toHaveLength(1);
  });

  it('installs the default version when there is neither mvn nor ./mvnw', async () => {
    const toolCache = emptyToolCache();
    await expect(resolveMaven(options({ path: scratch(), toolCache }))).rejects.toThrow(/apache-maven-3\.9\.9-bin/);
  });

  it('leaves ./mvnw alone unless a version is asked for', async () => {
    const project = scratch({ 'pom.xml': '<project/>', mvnw: '#!/bin/sh\n' });
    chmodSync(join(project, 'mvnw'), 0o755);
    expect((await resolveMaven(options({ path: scratch(), project }))).maven).toBeUndefined();
    const asked = await resolveMaven(options({ path: binWithMvn(), project, version: '3.8.7' }));
    expect(asked.maven?.reason).toBe('maven-version 3.8.7 is asked for');
  });
});
