// The one seam where bakeline starts processes: argv arrays only, never a shell string.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  /** The full environment of the child (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Streams output as it arrives (text, possibly partial lines). */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** Kill the child (SIGTERM, then SIGKILL 5 s later) after this long and reject. */
  timeoutMs?: number;
  /** Abort kills the child the same way and rejects. */
  signal?: AbortSignal;
  /**
   * Start the child in a process group of its own, and stop the whole group (what it started, a
   * forked test JVM say, with it); once the child is gone after a stop, the group gets SIGKILL.
   */
  processGroup?: boolean;
  /** Between SIGTERM and SIGKILL when stopping (default 5 s). */
  killGraceMs?: number;
}

export interface ExecResult {
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export type Exec = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export class ExecError extends Error {
  readonly command: string;
  readonly args: readonly string[];
  readonly result: ExecResult | undefined;
  constructor(command: string, args: readonly string[], message: string, result?: ExecResult, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ExecError';
    this.command = command;
    this.args = args;
    this.result = result;
  }
}

const MAX_CAPTURE = 32 * 1024 * 1024;

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Runs a command; resolves with its exit code (any); rejects only if it cannot start, times out or is aborted. */
export const exec: Exec = (command, args, options = {}) =>
  new Promise<ExecResult>((resolve, reject) => {
    const started = Date.now();
    if (options.signal?.aborted) {
      reject(new ExecError(command, args, `${command}: aborted before start`));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: options.processGroup === true,
    });
    const kill = (signal: NodeJS.Signals) => {
      if (!options.processGroup) {
        child.kill(signal);
        return;
      }
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    let stdout = '';
    let stderr = '';
    let stopReason: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: string) => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), options.killGraceMs ?? 5000);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => stop(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (stdout.length < MAX_CAPTURE) stdout += text;
      options.onStdout?.(text);
    });
    child.stderr.on('data', (text: string) => {
      if (stderr.length < MAX_CAPTURE) stderr += text;
      options.onStderr?.(text);
    });
    child.stdin.on('error', () => {
      // the child may exit without reading its input; its exit code tells what happened
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      const hint = error.code === 'ENOENT' ? ' (not found on PATH)' : '';
      reject(new ExecError(command, args, `${command}: could not start${hint}: ${error.message}`, undefined, error));
    });
    child.once('close', (code, signal) => {
      cleanup();
      const result: ExecResult = { exitCode: code ?? 128, signal, stdout, stderr, durationMs: Date.now() - started };
      if (stopReason !== undefined) {
        // the child is gone; what it started in its group may still be stopping
        if (options.processGroup) kill('SIGKILL');
        reject(new ExecError(command, args, `${command}: ${stopReason}`, result));
      } else {
        resolve(result);
      }
    });
  });

/** Like `exec`, and also rejects when the exit code is not 0, with the last lines of stderr. */
export async function execChecked(
  command: string,
  args: readonly string[],
  options?: ExecOptions,
  run: Exec = exec,
): Promise<ExecResult> {
  const result = await run(command, args, options);
  if (result.exitCode !== 0) {
    const tail = lastLines(result.stderr || result.stdout, 20);
    throw new ExecError(
      command,
      args,
      `${command} ${args.slice(0, 3).join(' ')}${args.length > 3 ? ' …' : ''} failed with exit code ${result.exitCode}${tail ? `:\n${tail}` : ''}`,
      result,
    );
  }
  return result;
}
