// One Maven build, the way the maven-build action runs it: restore the repository cache, run
// Maven (argv only), read every module's test reports and compiler errors, locate the main
// artifact and hash it, and save the cache (also when tests fail).
import { type Exec, exec, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import { type Artifact, locateArtifact, sha256File } from './artifact.ts';
import type { CacheBackend } from './cache.ts';
import { mavenCacheKeys } from './cache-key.ts';
import { isoFromEpoch, type MavenCommand, mavenCommand } from './maven-command.ts';
import { moduleDirs, projectSetsOutputTimestamp } from './pom.ts';
import { readReports, type TestFailure, type TestReport } from './reports.ts';
import { type CompilerError, failureLocation, parseCompilerErrors, type SourceLocation } from './source-location.ts';

export interface MavenBuildOptions {
  /** Absolute directory holding the root pom.xml. */
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile?: string;
  useWrapper: boolean;
  sourceDateEpoch: number;
  module?: string;
  artifactPattern?: string;
  cache?: { backend: CacheBackend; path: string };
  logger: Logger;
  exec?: Exec;
}

export interface LocatedFailure extends TestFailure {
  location: SourceLocation | undefined;
}

export interface MavenBuildResult {
  exitCode: number;
  command: MavenCommand;
  outputTimestamp: string | undefined;
  tests: TestReport;
  failures: LocatedFailure[];
  compilerErrors: CompilerError[];
  artifact: (Artifact & { sha256: string }) | undefined;
  cache: { backend: string; key: string; restoredKey: string | undefined; saved: boolean } | undefined;
  durationMs: number;
}

export async function runMavenBuild(options: MavenBuildOptions): Promise<MavenBuildResult> {
  const started = Date.now();
  const { logger } = options;
  const modules = moduleDirs(options.workingDirectory);
  let cacheInfo: MavenBuildResult['cache'];
  if (options.cache) {
    const { key, restoreKeys } = mavenCacheKeys(options.workingDirectory, modules);
    const restoredKey = await logger.group('Restore the Maven repository cache', async () => {
      const hit = await options.cache?.backend.restore(options.cache.path, key, restoreKeys);
      logger.info(hit ? `restored ${hit}${hit === key ? '' : ` (by prefix; wanted ${key})`}` : `no cache for ${key}`);
      return hit;
    });
    cacheInfo = { backend: options.cache.backend.name, key, restoredKey, saved: false };
  }

  const outputTimestamp = projectSetsOutputTimestamp(options.workingDirectory)
    ? undefined
    : isoFromEpoch(options.sourceDateEpoch);
  const command = mavenCommand({
    workingDirectory: options.workingDirectory,
    goals: options.goals,
    arguments: options.arguments,
    useWrapper: options.useWrapper,
    ...(options.settingsFile ? { settingsFile: options.settingsFile } : {}),
    ...(outputTimestamp ? { outputTimestamp } : {}),
  });
  let pending = '';
  const onOutput = (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) logger.info(neutralizeWorkflowCommands(line));
  };
  const run = await logger.group(`${command.wrapper ? './mvnw' : 'mvn'} ${command.args.join(' ')}`, () =>
    (options.exec ?? exec)(command.command, command.args, {
      cwd: options.workingDirectory,
      onStdout: onOutput,
      onStderr: onOutput,
    }),
  );
  if (pending) logger.info(neutralizeWorkflowCommands(pending));

  const tests = readReports(modules);
  const failures = tests.failures.map((f) => ({ ...f, location: failureLocation(f.className, f.stackTrace, modules) }));
  const compilerErrors = parseCompilerErrors(`${run.stdout}\n${run.stderr}`);
  let artifact: MavenBuildResult['artifact'];
  if (run.exitCode === 0) {
    const located = locateArtifact(options.workingDirectory, modules, {
      ...(options.module ? { module: options.module } : {}),
      ...(options.artifactPattern ? { pattern: options.artifactPattern } : {}),
    });
    artifact = { ...located, sha256: await sha256File(located.path) };
  }

  if (options.cache && cacheInfo && cacheInfo.restoredKey !== cacheInfo.key) {
    const info = cacheInfo;
    info.saved = await logger.group('Save the Maven repository cache', async () => {
      try {
        const saved = (await options.cache?.backend.save(options.cache.path, info.key)) ?? false;
        logger.info(saved ? `saved ${info.key}` : `${info.key} exists already`);
        return saved;
      } catch (error: unknown) {
        logger.warning(`could not save the Maven cache: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    });
  }
  return {
    exitCode: run.exitCode,
    command,
    outputTimestamp,
    tests,
    failures,
    compilerErrors,
    artifact,
    cache: cacheInfo,
    durationMs: Date.now() - started,
  };
}
