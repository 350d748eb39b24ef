// One Maven build, the way the maven-build action runs it: restore the repository cache, run
// Maven (argv only), read every module's test reports and compiler errors, locate the main
// artifact and hash it, and save the cache (also when tests fail).
import { type Exec, errorMessage, exec, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import { type Artifact, locateArtifact, sha256File } from './artifact.ts';
import type { CacheBackend } from './cache-backend.ts';
import { mavenCacheKeys } from './cache-key.ts';
import { type CompilerError, parseCompilerErrors } from './compiler-errors.ts';
import { failureLocation, type SourceLocation } from './failure-location.ts';
import { displayCommand, isoFromEpoch, localRepositoryOf, type MavenCommand, mavenCommand } from './maven-command.ts';
import { moduleDirs, projectSetsOutputTimestamp } from './pom.ts';
import { readReports, type TestFailure, type TestReport } from './reports.ts';

export interface MavenBuildOptions {
  /** Absolute directory holding the root pom.xml. */
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile?: string;
  useWrapper: boolean;
  /** Seconds since the epoch for project.build.outputTimestamp (unless the project sets it). */
  sourceDateEpoch: number;
  module?: string;
  artifactPattern?: string;
  /** Cache the local repository (`path`, default: the one Maven uses) in `backend`. */
  cache?: { backend: CacheBackend; path?: string };
  logger: Logger;
  exec?: Exec;
  now?: () => number;
}

export interface LocatedFailure extends TestFailure {
  location: SourceLocation | undefined;
}

export interface CacheOutcome {
  backend: string;
  key: string;
  path: string;
  restoredKey: string | undefined;
  saved: boolean;
}

export interface MavenBuildResult {
  exitCode: number;
  command: MavenCommand;
  outputTimestamp: string | undefined;
  tests: TestReport;
  failures: LocatedFailure[];
  compilerErrors: CompilerError[];
  artifact: (Artifact & { sha256: string }) | undefined;
  cache: CacheOutcome | undefined;
  durationMs: number;
}

/** Hands Maven's output to the logger line by line, with workflow commands made inert. */
function lineLogger(logger: Logger): { write: (text: string) => void; flush: () => void } {
  let pending = '';
  return {
    write: (text) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) logger.info(neutralizeWorkflowCommands(line));
    },
    flush: () => {
      if (pending) logger.info(neutralizeWorkflowCommands(pending));
      pending = '';
    },
  };
}

async function restoreCache(options: MavenBuildOptions, path: string): Promise<CacheOutcome | undefined> {
  if (!options.cache) return undefined;
  const { backend } = options.cache;
  const { key, restoreKeys } = mavenCacheKeys(options.workingDirectory);
  const restoredKey = await options.logger.group(`Restore the Maven repository cache (${backend.name})`, async () => {
    try {
      const hit = await backend.restore(path, key, restoreKeys);
      options.logger.info(
        hit ? `restored ${hit}${hit === key ? '' : ` (by prefix; wanted ${key})`} into ${path}` : `no cache for ${key}`,
      );
      return hit;
    } catch (error: unknown) {
      // A broken cache costs time, never the build.
      options.logger.warning(`could not restore the Maven cache ${key}: ${errorMessage(error)}`);
      return undefined;
    }
  });
  return { backend: backend.name, key, path, restoredKey, saved: false };
}

async function saveCache(options: MavenBuildOptions, outcome: CacheOutcome): Promise<void> {
  const backend = options.cache?.backend;
  if (!backend || outcome.restoredKey === outcome.key) return;
  outcome.saved = await options.logger.group(`Save the Maven repository cache (${backend.name})`, async () => {
    try {
      const saved = await backend.save(outcome.path, outcome.key);
      options.logger.info(saved ? `saved ${outcome.key}` : `${outcome.key} exists already`);
      return saved;
    } catch (error: unknown) {
      options.logger.warning(`could not save the Maven cache ${outcome.key}: ${errorMessage(error)}`);
      return false;
    }
  });
}

export async function runMavenBuild(options: MavenBuildOptions): Promise<MavenBuildResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const { logger, workingDirectory } = options;
  const modules = moduleDirs(workingDirectory);
  const localRepository = localRepositoryOf(options.arguments, workingDirectory);
  const cache = await restoreCache(options, options.cache?.path ?? localRepository);

  const outputTimestamp = projectSetsOutputTimestamp(workingDirectory, localRepository)
    ? undefined
    : isoFromEpoch(options.sourceDateEpoch);
  const command = mavenCommand({
    workingDirectory,
    goals: options.goals,
    arguments: options.arguments,
    useWrapper: options.useWrapper,
    ...(options.settingsFile ? { settingsFile: options.settingsFile } : {}),
    ...(outputTimestamp ? { outputTimestamp } : {}),
  });
  if (command.wrapperSkipped) logger.info(`not using ./mvnw: ${command.wrapperSkipped}`);
  logger.info(
    outputTimestamp
      ? `reproducible build: project.build.outputTimestamp=${outputTimestamp} (source date epoch ${options.sourceDateEpoch})`
      : 'reproducible build: the project sets project.build.outputTimestamp itself',
  );
  try {
    return await build(options, modules, command, outputTimestamp, cache, started);
  } finally {
    // Saved whatever the outcome (failing tests too): the downloads are as good either way.
    if (cache) await saveCache(options, cache);
  }
}

async function build(
  options: MavenBuildOptions,
  modules: string[],
  command: MavenCommand,
  outputTimestamp: string | undefined,
  cache: CacheOutcome | undefined,
  started: number,
): Promise<MavenBuildResult> {
  const now = options.now ?? Date.now;
  const { logger, workingDirectory } = options;
  const output = lineLogger(logger);
  const mavenStarted = now();
  const run = await logger.group(displayCommand(command), async () => {
    const result = await (options.exec ?? exec)(command.command, command.args, {
      cwd: workingDirectory,
      onStdout: output.write,
      onStderr: output.write,
    });
    output.flush();
    return result;
  });

  // Reports written before this build started belong to an earlier one (a reused work tree).
  const tests = readReports(modules, { since: mavenStarted - 1000 });
  const failures = tests.failures.map((f) => ({
    ...f,
    location: failureLocation(f.className, f.stackTrace, modules, f.reportFile),
  }));
  const compilerErrors = parseCompilerErrors(`${run.stdout}\n${run.stderr}`);
  let artifact: MavenBuildResult['artifact'];
  if (run.exitCode === 0) {
    const located = locateArtifact(workingDirectory, modules, {
      ...(options.module ? { module: options.module } : {}),
      ...(options.artifactPattern ? { pattern: options.artifactPattern } : {}),
    });
    if (located) artifact = { ...located, sha256: await sha256File(located.path) };
    else logger.warning(`the build produced no JAR (goals: ${options.goals.join(' ')}); no artifact outputs`);
  }
  return {
    exitCode: run.exitCode,
    command,
    outputTimestamp,
    tests,
    failures,
    compilerErrors,
    artifact,
    cache,
    durationMs: now() - started,
  };
}
