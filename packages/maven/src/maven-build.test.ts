// runMavenBuild through its exec seam: what Maven is given (argv, environment, the settings file
// as it is while Maven runs), without running Maven.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Exec, ExecOptions } from '@bakeline/toolkit';
import { silentLogger } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import { runMavenBuild } from './maven-build.ts';

interface Call {
  command: string;
  args: readonly string[];
  env: ExecOptions['env'];
  settings: { path: string; content: string; mode: number } | undefined;
}

/** Records each call and the settings file it is given (-s or -gs), as it is during the call. */
function recordingExec(): Exec & { calls: Call[] } {
  const calls: Call[] = [];
  const run: Exec = async (command, args, options = {}) => {
    const flag = args.findIndex((a) => a === '-s' || a === '-gs');
    const path = flag >= 0 ? args[flag + 1] : undefined;
    const settings =
      path && existsSync(path)
        ? { path, content: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 }
        : undefined;
    calls.push({ command, args, env: options.env, settings });
    return { exitCode: 0, signal: null, stdout: '[INFO] BUILD SUCCESS\n', stderr: '', durationMs: 1 };
  };
  return Object.assign(run, { calls });
}

const PROJECT = {
  'pom.xml':
    '<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version></project>',
};

async function build(options: { home?: string; args?: string[]; settingsFile?: string } = {}) {
  const project = scratch(PROJECT);
  const temp = scratch();
  const exec = recordingExec();
  await runMavenBuild({
    workingDirectory: project,
    goals: ['verify'],
    arguments: options.args ?? ['-o'],
    useWrapper: true,
    sourceDateEpoch: 1_700_000_000,
    logger: silentLogger,
    exec,
    tempDir: temp,
    home: options.home ?? scratch(),
    env: { PATH: process.env.PATH, HOME: '/home/runner' },
    server: { id: 'corp-releases', username: 'deployer', password: 'pa$$w0rd-secret' },
    ...(options.settingsFile ? { settingsFile: options.settingsFile } : {}),
  });
  return { exec, temp };
}

describe('runMavenBuild with server credentials', () => {
  it('passes a 0600 settings file with placeholders as -s, and the secrets only in the environment', async () => {
    const { exec, temp } = await build();
    const [call] = exec.calls;
    expect(call?.command).toBe('mvn');
    expect(call?.args).toEqual([
      '-B',
      '--no-transfer-progress',
      '-Dproject.build.outputTimestamp=2023-11-14T22:13:20Z',
      '-s',
      call?.settings?.path,
      '-o',
      'verify',
    ]);
    expect(call?.settings?.path.startsWith(temp)).toBe(true);
    expect(call?.settings?.mode).toBe(0o600);
    expect(call?.settings?.content).toContain('<id>corp-releases</id>');
    expect(call?.settings?.content).not.toContain('deployer');
    expect(call?.settings?.content).not.toContain('pa$$w0rd-secret');
    expect(call?.args.join(' ')).not.toMatch(/deployer|pa\$\$w0rd/);
    expect(call?.env).toMatchObject({
      PATH: process.env.PATH,
      HOME: '/home/runner',
      BAKELINE_MAVEN_USERNAME: 'deployer',
      BAKELINE_MAVEN_PASSWORD: 'pa$$w0rd-secret',
    });
    // The scratch directory with the settings is gone once the build returns.
    expect(readdirSync(temp)).toEqual([]);
  });

  it('passes it as -gs when the build has user settings of its own', async () => {
    const own = await build({ args: ['-o', '-s', 'ci-settings.xml'] });
    expect(own.exec.calls[0]?.args).toEqual(expect.arrayContaining(['-gs', '-s', 'ci-settings.xml']));
    const home = await build({ home: scratch({ '.m2/settings.xml': '<settings/>' }) });
    expect(home.exec.calls[0]?.args).toContain('-gs');
    expect(home.exec.calls[0]?.args).not.toContain('-s');
  });

  it('removes the scratch directory when Maven cannot start', async () => {
    const project = scratch(PROJECT);
    const temp = scratch();
    const failing: Exec = async () => {
      throw new Error('mvn: could not start');
    };
    await expect(
      runMavenBuild({
        workingDirectory: project,
        goals: ['verify'],
        arguments: [],
        useWrapper: true,
        sourceDateEpoch: 1,
        logger: silentLogger,
        exec: failing,
        tempDir: temp,
        home: scratch(),
        env: { PATH: process.env.PATH },
        server: { id: 'corp', username: 'u', password: 'p' },
      }),
    ).rejects.toThrow('mvn: could not start');
    expect(readdirSync(temp)).toEqual([]);
  });
});
