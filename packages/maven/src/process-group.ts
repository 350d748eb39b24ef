// Runs Maven in a process group of its own, so that stopping it stops everything it started: the
// launcher script, Maven's JVM and the JVMs Surefire forks for the tests. toolkit's exec signals
// only the child it spawned; a forked test JVM would outlive a cancelled run. Same contract as
// toolkit's Exec: resolves with any exit code, rejects when it cannot start, times out or is aborted.
import { spawn } from 'node:child_process';
import { type Exec, ExecError, type ExecResult } from '@bakeline/toolkit';

const MAX_CAPTURE = 32 * 1024 * 1024;
/** Between SIGTERM to the group and SIGKILL: inside the runner's 7.5 s from SIGINT to SIGTERM. */
export const KILL_GRACE_MS = 3000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export const execProcessGroup: Exec = (command, args, options = {}) =>
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
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let stopReason: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: string) => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
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
      // the child may exit without reading its input
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      if (killTimer) clearTimeout(killTimer);
      const hint = error.code === 'ENOENT' ? ' (not found on PATH)' : '';
      reject(new ExecError(command, args, `${command}: could not start${hint}: ${error.message}`, undefined, error));
    });
    child.once('close', (code, signal) => {
      cleanup();
      const result: ExecResult = { exitCode: code ?? 128, signal, stdout, stderr, durationMs: Date.now() - started };
      if (stopReason === undefined) {
        resolve(result);
        return;
      }
      // The launcher is gone; what it started may still be stopping. Finish the job on the group.
      if (killTimer) clearTimeout(killTimer);
      signalGroup(child.pid, 'SIGKILL');
      reject(new ExecError(command, args, `${command}: ${stopReason}`, result));
    });
  });
