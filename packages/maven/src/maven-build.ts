// One Maven build, the way the maven-build action runs it: pick (or install) Maven, write the
// server credentials' settings into a scratch directory, restore the repository cache, run Maven
// (argv only, in a process group of its own), read every module's test reports and compiler
// errors and the reactor summary, locate the main artifact and hash it, and save the cache (also
// when tests fail, never when cancelled). The scratch directory is removed whatever happens.
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Exec, errorMessage, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import { type Artifact, locateArtifact, moduleDirsMatching, sha256File } from './artifact.ts';
import type { CacheBackend } from './cache-backend.ts';
import { mavenCacheKeys } from './cache-key.ts';
import { type CompilerError, parseCompilerErrors } from './compiler-errors.ts';
import { failureLocation, type SourceLocation } from './failure-location.ts';
import { displayCommand, isoFromEpoch, localRepositoryOf, type MavenCommand, mavenCommand } from './maven-command.ts';
import type { InstalledMaven } from './maven-install.ts';
import { resolveMaven } from './maven-resolve.ts';
import { moduleDirs, projectSetsOutputTimestamp, readPom } from './pom.ts';
import { execProcessGroup } from './process-group.ts';
import { findModule, missingArtifactReason, parseReactorSummary, type ReactorModule } from './reactor-summary.ts';
import { readReports, type TestFailure, type TestReport } from './reports.ts';
import {
  credentialEnv,
  type ServerCredentials,
  type SettingsPlacement,
  settingsPlacement,
  writeServerSettings,
} from './server-settings.ts';
import type { ToolCache } from './tool-cache.ts';

export interface MavenSetupOptions {
  /** `maven-version`: run exactly this version (installed when the one found differs). */
  version?: string;
  /** Base URL of Apache's archive layout to install from. */
  mirror: string;
  sha512?: string;
  toolCache: ToolCache;
}

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
  /** Where Maven comes from when there is no ./mvnw or mvn, or another version is asked for. */
  setup?: MavenSetupOptions;
  /** A private repository's credentials, given to Maven through settings placeholders and its environment. */
  server?: ServerCredentials;
  /** Parent of this run's scratch directory (RUNNER_TEMP; default the OS temp dir). */
  tempDir?: string;
  /** The environment Maven runs in (default this process's); PATH is where `mvn` is looked for. */
  env?: Record<string, string | undefined>;
  /** Abort stops Maven and everything it started, removes the scratch, and rejects. */
  signal?: AbortSignal;
  logger: Logger;
  exec?: Exec;
  now?: () => number;
  home?: string;
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
  /** The reactor summary's modules (empty for a single-module build). */
  reactor: ReactorModule[];
  /** Why there are no artifact outputs, when Maven stopped before the artifact's module. */
  noArtifactReason: string | undefined;
  /** The Maven this build installed into the tool cache, if any. */
  installed: InstalledMaven | undefined;
  /** How the server credentials' settings were passed, when `server` was given. */
  serverSettings: SettingsPlacement | undefined;
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
        hit
          ? `restored ${hit}${hit === key ? '' : ` (by prefix; wanted ${key})`} into ${path}${backend.lastRestoreInPlace ? ' (its files were in place, same size and time: nothing extracted)' : ''}`
          : `no cache for ${key}`,
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
  const run = options.exec ?? execProcessGroup;
  const env = options.env ?? process.env;
  const modules = moduleDirs(workingDirectory);
  const localRepository = localRepositoryOf(options.arguments, workingDirectory);
  const placement = options.server
    ? settingsPlacement(options.arguments, options.settingsFile, options.home ?? homedir())
    : undefined;
  const scratch = mkdtempSync(join(options.tempDir ?? tmpdir(), 'bakeline-maven-'));
  let cache: CacheOutcome | undefined;
  try {
    const resolved = await resolveMaven({
      workingDirectory,
      useWrapper: options.useWrapper,
      ...(options.setup?.version ? { version: options.setup.version } : {}),
      install: {
        mirror: options.setup?.mirror ?? '',
        toolCache: options.setup?.toolCache ?? missingToolCache,
        scratchDir: scratch,
        ...(options.setup?.sha512 ? { sha512: options.setup.sha512 } : {}),
      },
      path: env.PATH ?? '',
      exec: run,
      logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.signal?.throwIfAborted();
    const extraArgs: string[] = [];
    if (options.server && placement) {
      extraArgs.push(placement, writeServerSettings(scratch, options.server.id));
      logger.info(
        `server ${options.server.id}: credentials from the environment, in ${placement === '-s' ? 'user settings (-s)' : "global settings (-gs, under the build's own user settings)"}`,
      );
    }
    cache = await restoreCache(options, options.cache?.path ?? localRepository);
    options.signal?.throwIfAborted();
    const outputTimestamp = projectSetsOutputTimestamp(workingDirectory, localRepository)
      ? undefined
      : isoFromEpoch(options.sourceDateEpoch);
    const command = mavenCommand({
      workingDirectory,
      goals: options.goals,
      arguments: [...extraArgs, ...options.arguments],
      useWrapper: options.useWrapper,
      ...(resolved.maven ? { maven: resolved.maven } : {}),
      ...(options.settingsFile ? { settingsFile: options.settingsFile } : {}),
      ...(outputTimestamp ? { outputTimestamp } : {}),
    });
    if (command.wrapperSkipped) logger.info(`not using ./mvnw: ${command.wrapperSkipped}`);
    logger.info(
      outputTimestamp
        ? `reproducible build: project.build.outputTimestamp=${outputTimestamp} (source date epoch ${options.sourceDateEpoch})`
        : 'reproducible build: the project sets project.build.outputTimestamp itself',
    );
    const childEnv = options.server ? { ...env, ...credentialEnv(options.server) } : undefined;
    const result = await build(options, modules, command, outputTimestamp, cache, started, run, childEnv);
    return { ...result, installed: resolved.installed, serverSettings: placement };
  } catch (error: unknown) {
    if (options.signal?.aborted) {
      throw new Error(
        'Maven build cancelled: Maven and the processes it started were stopped, and its scratch files removed',
        { cause: error },
      );
    }
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    // Saved whatever the outcome (failing tests too): the downloads are as good either way. Not
    // when cancelled: the repository may be half-written, and the runner is waiting.
    if (cache && !options.signal?.aborted) await saveCache(options, cache);
  }
}

const missingToolCache: ToolCache = {
  find: () => '',
  download: () => Promise.reject(new Error('no tool cache to install Maven into')),
  extractTar: () => Promise.reject(new Error('no tool cache to install Maven into')),
  cacheDir: () => Promise.reject(new Error('no tool cache to install Maven into')),
};

/** Why the chosen module has no artifact, from the reactor summary (undefined when it does not tell). */
function noArtifactReason(options: MavenBuildOptions, modules: string[], reactor: ReactorModule[]): string | undefined {
  if (reactor.length === 0) return undefined;
  if (options.module) {
    const dirs = moduleDirsMatching(options.workingDirectory, modules, options.module);
    for (const dir of dirs) {
      const pom = readPom(dir);
      const names = [pom.name, pom.artifactId].filter((n): n is string => n !== undefined);
      const entry = findModule(reactor, names, pom.version);
      if (entry) return missingArtifactReason(reactor, entry);
    }
  }
  const skipped = reactor.filter((m) => m.status === 'SKIPPED').map((m) => m.name);
  const failed = reactor.filter((m) => m.status === 'FAILURE').map((m) => m.name);
  if (skipped.length === 0) return undefined;
  return `no artifact: module${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')} SKIPPED because ${failed.length > 0 ? `module${failed.length > 1 ? 's' : ''} ${failed.join(', ')} FAILED` : 'the build stopped before them'}`;
}

async function build(
  options: MavenBuildOptions,
  modules: string[],
  command: MavenCommand,
  outputTimestamp: string | undefined,
  cache: CacheOutcome | undefined,
  started: number,
  run: Exec,
  env: Record<string, string | undefined> | undefined,
): Promise<Omit<MavenBuildResult, 'installed' | 'serverSettings'>> {
  const now = options.now ?? Date.now;
  const { logger, workingDirectory } = options;
  const output = lineLogger(logger);
  const mavenStarted = now();
  const maven = await logger.group(displayCommand(command), async () => {
    try {
      return await run(command.command, command.args, {
        cwd: workingDirectory,
        onStdout: output.write,
        onStderr: output.write,
        ...(env ? { env } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      output.flush();
    }
  });

  // Reports written before this build started belong to an earlier one (a reused work tree).
  const tests = readReports(modules, { since: mavenStarted - 1000 });
  const failures = tests.failures.map((f) => ({
    ...f,
    location: failureLocation(f.className, f.stackTrace, modules, f.reportFile),
  }));
  const compilerErrors = parseCompilerErrors(`${maven.stdout}\n${maven.stderr}`);
  const reactor = parseReactorSummary(maven.stdout);
  const skipped = reactor.filter((m) => m.status === 'SKIPPED');
  if (skipped.length > 0) {
    logger.warning(`Maven skipped ${skipped.length} module(s): ${skipped.map((m) => m.name).join(', ')}`);
  }
  let artifact: MavenBuildResult['artifact'];
  let noArtifact: string | undefined;
  if (maven.exitCode !== 0) {
    noArtifact = noArtifactReason(options, modules, reactor);
    if (noArtifact) logger.warning(noArtifact);
  }
  if (maven.exitCode === 0) {
    const located = locateArtifact(workingDirectory, modules, {
      ...(options.module ? { module: options.module } : {}),
      ...(options.artifactPattern ? { pattern: options.artifactPattern } : {}),
    });
    if (located) artifact = { ...located, sha256: await sha256File(located.path) };
    else logger.warning(`the build produced no JAR (goals: ${options.goals.join(' ')}); no artifact outputs`);
  }
  return {
    exitCode: maven.exitCode,
    command,
    outputTimestamp,
    tests,
    failures,
    compilerErrors,
    artifact,
    reactor,
    noArtifactReason: noArtifact,
    cache,
    durationMs: now() - started,
  };
}
