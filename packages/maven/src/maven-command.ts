// The Maven command line: `./mvnw` when the project has one (unless disabled), batch mode, no
// transfer progress, the settings file, and a reproducible output timestamp unless the project
// sets its own. Never `-o`: offline mode is the caller's choice, through `arguments`.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface MavenCommandOptions {
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile?: string;
  useWrapper: boolean;
  /** ISO time for project.build.outputTimestamp, or undefined when the project sets it. */
  outputTimestamp?: string;
}

export interface MavenCommand {
  command: string;
  args: string[];
  wrapper: boolean;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function mavenCommand(options: MavenCommandOptions): MavenCommand {
  const wrapperPath = join(options.workingDirectory, 'mvnw');
  const wrapper = options.useWrapper && existsSync(wrapperPath) && executable(wrapperPath);
  const args = ['-B', '--no-transfer-progress'];
  if (options.settingsFile) args.push('-s', options.settingsFile);
  if (options.outputTimestamp) args.push(`-Dproject.build.outputTimestamp=${options.outputTimestamp}`);
  args.push(...options.arguments, ...options.goals);
  return { command: wrapper ? wrapperPath : 'mvn', args, wrapper };
}

export function isoFromEpoch(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
