// Which Maven runs the build: ./mvnw when the project has one (unless a `maven-version` is asked
// for), else `mvn` from PATH when there is one and it is the version asked for, else an Apache
// Maven release installed into the tool cache (the version asked for, or DEFAULT_MAVEN_VERSION).
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { type Exec, errorMessage, type Logger } from '@bakeline/toolkit';
import { usesWrapper } from './maven-command.ts';
import { DEFAULT_MAVEN_VERSION, parseMavenVersionOutput } from './maven-distribution.ts';
import { type InstalledMaven, installMaven, type MavenInstallOptions } from './maven-install.ts';

export interface ResolveMavenOptions {
  workingDirectory: string;
  useWrapper: boolean;
  /** `maven-version`: the version the build must run with. */
  version?: string;
  install: Omit<MavenInstallOptions, 'version' | 'logger'>;
  /** The PATH to look for `mvn` in. */
  path: string;
  exec: Exec;
  logger: Logger;
  signal?: AbortSignal;
}

export interface ResolvedMaven {
  /** What mavenCommand runs instead of `mvn` from PATH (undefined: the wrapper or PATH's mvn). */
  maven: { command: string; reason: string } | undefined;
  installed: InstalledMaven | undefined;
}

/** The first executable `mvn` on `path`. */
export function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function versionOf(mvn: string, options: ResolveMavenOptions): Promise<string | undefined> {
  try {
    const result = await options.exec(mvn, ['-v', '-B'], {
      cwd: options.workingDirectory,
      timeoutMs: 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return result.exitCode === 0 ? parseMavenVersionOutput(result.stdout) : undefined;
  } catch (error: unknown) {
    if (options.signal?.aborted) throw error;
    options.logger.warning(`${mvn} -v failed: ${errorMessage(error)}`);
    return undefined;
  }
}

export async function resolveMaven(options: ResolveMavenOptions): Promise<ResolvedMaven> {
  const { logger, version } = options;
  if (version === undefined && usesWrapper(options.workingDirectory, options.useWrapper)) {
    return { maven: undefined, installed: undefined };
  }
  const onPath = findOnPath('mvn', options.path);
  let reason: string;
  if (onPath === undefined) {
    reason = 'no mvn on PATH and no ./mvnw';
  } else if (version === undefined) {
    return { maven: undefined, installed: undefined };
  } else {
    const found = await versionOf(onPath, options);
    if (found === version) {
      logger.info(`Maven ${version} (maven-version) is the mvn on PATH: ${onPath}`);
      return { maven: { command: onPath, reason: `maven-version ${version} is asked for` }, installed: undefined };
    }
    reason = `the mvn on PATH (${onPath}) is ${found === undefined ? 'of an unknown version' : `Maven ${found}`}`;
  }
  const wanted = version ?? DEFAULT_MAVEN_VERSION;
  logger.info(`installing Maven ${wanted}: ${reason}${version === undefined ? ' (default version)' : ''}`);
  const installed = await installMaven({ ...options.install, version: wanted, logger });
  return {
    maven: { command: installed.mvn, reason: `maven-version ${wanted} is asked for` },
    installed,
  };
}
