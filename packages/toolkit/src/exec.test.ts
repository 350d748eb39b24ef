import { describe, expect, it } from 'vitest';
import { ExecError, exec, execChecked } from './exec.ts';

describe('exec', () => {
  it('passes arguments literally, never through a shell', async () => {
    const hostile = ['; rm -rf /', '$(id)', '`id`', 'a|b', "it's"];
    const result = await exec(process.execPath, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      ...hostile,
    ]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(hostile);
  });

  it('reports the real exit code, streams output and feeds stdin', async () => {
    const chunks: string[] = [];
    const result = await exec(
      process.execPath,
      ['-e', 'process.stdin.pipe(process.stdout); process.stdin.on("end", () => process.exit(7))'],
      { input: 'hello', onStdout: (t) => chunks.push(t) },
    );
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toBe('hello');
    expect(chunks.join('')).toBe('hello');
  });

  it('rejects with a clear error when the command does not exist or times out', async () => {
    await expect(exec('definitely-not-a-command-xyz', [])).rejects.toThrow(/could not start \(not found on PATH\)/);
    await expect(exec(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it('execChecked fails on a non-zero exit with the last stderr lines', async () => {
    const error = await execChecked(process.execPath, ['-e', 'console.error("boom"); process.exit(3)']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).message).toContain('exit code 3');
    expect((error as ExecError).message).toContain('boom');
    expect((error as ExecError).result?.exitCode).toBe(3);
  });
});
