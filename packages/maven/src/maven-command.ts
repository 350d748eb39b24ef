// The Maven command line: `./mvnw` when the project has one (unless disabled), batch mode, no
// transfer progress, the settings file, and a reproducible output timestamp unless the project
// sets its own. Never `-o`: offline mode is the caller's choice, through `arguments`.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface MavenCommandOptions {
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile?: string;
  useWrapper: boolean;
  /** The Maven to run instead of `mvn` from PATH (an installed one); set, it also rules out ./mvnw, for `reason`. */
  maven?: { command: string; reason: string };
  /** ISO time for project.build.outputTimestamp, or undefined when the project sets it. */
  outputTimestamp?: string;
}

export interface MavenCommand {
  command: string;
  args: string[];
  wrapper: boolean;
  /** Why a present ./mvnw is not used, when it is not. */
  wrapperSkipped?: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `mavenCommand` would run ./mvnw. */
export function usesWrapper(workingDirectory: string, useWrapper: boolean): boolean {
  const wrapperPath = join(workingDirectory, 'mvnw');
  return useWrapper && existsSync(wrapperPath) && executable(wrapperPath);
}

export function mavenCommand(options: MavenCommandOptions): MavenCommand {
  const wrapperPath = join(options.workingDirectory, 'mvnw');
  const present = existsSync(wrapperPath);
  const wrapper = options.useWrapper && present && executable(wrapperPath) && options.maven === undefined;
  const args = ['-B', '--no-transfer-progress'];
  if (options.settingsFile) args.push('-s', options.settingsFile);
  if (options.outputTimestamp) args.push(`-Dproject.build.outputTimestamp=${options.outputTimestamp}`);
  args.push(...options.arguments, ...options.goals);
  const command: MavenCommand = { command: wrapper ? wrapperPath : (options.maven?.command ?? 'mvn'), args, wrapper };
  if (present && !wrapper) {
    command.wrapperSkipped = !options.useWrapper
      ? 'use-wrapper is false'
      : options.maven
        ? options.maven.reason
        : './mvnw is not executable (git update-index --chmod=+x mvnw)';
  }
  return command;
}

/** SOURCE_DATE_EPOCH (seconds) as the ISO time Maven's outputTimestamp takes. */
export function isoFromEpoch(epochSeconds: number): string {
  if (!Number.isSafeInteger(epochSeconds) || epochSeconds < 0) {
    throw new Error(`source date epoch: got ${epochSeconds}; expected whole seconds since 1970`);
  }
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** The local repository Maven will use: `-Dmaven.repo.local=` in the arguments, else ~/.m2/repository. */
export function localRepositoryOf(args: readonly string[], cwd: string, home = homedir()): string {
  let found: string | undefined;
  for (const [i, arg] of args.entries()) {
    const property = arg === '-D' ? (args[i + 1] ?? '') : arg.startsWith('-D') ? arg.slice(2) : '';
    const match = /^maven\.repo\.local=(.+)$/.exec(property);
    if (match?.[1]) found = match[1];
  }
  if (!found) return join(home, '.m2', 'repository');
  return resolve(cwd, found.replace(/^~(?=\/|$)/, home));
}

/** The command line as a person reads it: arguments with blanks or quotes are shown quoted. */
export function displayCommand(command: MavenCommand): string {
  const shown = command.args.map((arg) => (arg === '' || /[\s"'\\]/.test(arg) ? JSON.stringify(arg) : arg));
  return [command.wrapper ? './mvnw' : command.command, ...shown].join(' ');
}
