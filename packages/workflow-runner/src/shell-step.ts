// A `run:` step as the runner runs it: the script in a file, `bash --noprofile --norc -eo pipefail
// {0}` (or `sh -e {0}`), in the working directory, with the file commands GITHUB_OUTPUT, GITHUB_ENV,
// GITHUB_PATH and GITHUB_STEP_SUMMARY created empty first and read after.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyValueFile, parsePathFile } from '@bakeline/action-host';
import { exec as defaultExec, type Exec, ExecError } from '@bakeline/toolkit';
import { lineSplitter } from './line-splitter.ts';

export interface ShellStepOptions {
  script: string;
  shell: string;
  workingDirectory: string;
  /** The complete environment of the step. */
  env: Record<string, string>;
  /** Where the script and the file-command files are written. */
  stepDir: string;
  timeoutMs?: number;
  /** Aborted when the job is cancelled: the script is stopped (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  exec?: Exec;
}

export interface ShellStepResult {
  exitCode: number;
  timedOut: boolean;
  cancelled: boolean;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  summary: string;
  stdout: string;
}

export const SHELL_COMMANDS: Record<string, (file: string) => [string, string[]]> = {
  bash: (file) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', file]],
  sh: (file) => ['sh', ['-e', file]],
};

export async function runShellStep(options: ShellStepOptions): Promise<ShellStepResult> {
  const command = SHELL_COMMANDS[options.shell];
  if (command === undefined) throw new Error(`shell '${options.shell}' is not supported`);
  if (!existsSync(options.workingDirectory) || !statSync(options.workingDirectory).isDirectory()) {
    throw new Error(`working-directory: ${options.workingDirectory} does not exist`);
  }
  mkdirSync(options.stepDir, { recursive: true });
  const script = join(options.stepDir, 'script.sh');
  writeFileSync(script, options.script);
  const files = {
    GITHUB_OUTPUT: join(options.stepDir, 'output'),
    GITHUB_ENV: join(options.stepDir, 'env'),
    GITHUB_PATH: join(options.stepDir, 'path'),
    GITHUB_STEP_SUMMARY: join(options.stepDir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const [bin, args] = command(script);
  const out = lineSplitter((l) => options.onLine?.(l));
  const err = lineSplitter((l) => options.onLine?.(l));
  let exitCode: number;
  let timedOut = false;
  let cancelled = false;
  let stdout = '';
  try {
    const result = await (options.exec ?? defaultExec)(bin, args, {
      cwd: options.workingDirectory,
      env: { ...options.env, ...files },
      onStdout: (t) => out.push(t),
      onStderr: (t) => err.push(t),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    exitCode = result.exitCode;
    stdout = result.stdout;
  } catch (error) {
    if (!(error instanceof ExecError)) throw error;
    if (options.signal?.aborted) cancelled = true;
    else if (error.result === undefined) throw error;
    else timedOut = true;
    exitCode = error.result?.exitCode || 1;
    stdout = error.result?.stdout ?? '';
  }
  out.flush();
  err.flush();
  return {
    exitCode,
    timedOut,
    cancelled,
    outputs: parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'),
    exportedEnv: parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'),
    addedPath: parsePathFile(readFileSync(files.GITHUB_PATH, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    stdout,
  };
}
