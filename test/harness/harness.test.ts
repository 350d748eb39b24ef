import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActionContractError, runBundledAction } from './index.ts';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'actions', name);

describe('runBundledAction (the runner protocol)', () => {
  it('passes inputs with defaults, runs pre/main/post with state, and parses outputs, summary and commands', async () => {
    const result = await runBundledAction(fixture('echo-01'), {
      inputs: { message: 'world' },
      github: { sha: 'abc123' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.phases.map((p) => p.name)).toEqual(['pre', 'main', 'post']);
    expect(result.outputs).toEqual({ echoed: 'hello world', multiline: 'line one\nline two' });
    expect(result.summary).toBe('### echo\nworld\npost saw pre-was-here\n');
    expect(result.exportedEnv).toEqual({ EXPORTED: 'a=b' });
    expect(result.addedPath).toEqual(['/opt/echo/bin']);
    expect(result.masks).toEqual(['s3cr3t']);
    expect(result.annotations).toEqual([
      {
        level: 'error',
        message: 'expected <1>\nbut was <2>',
        file: 'src/A.java',
        line: 12,
        col: 5,
        title: 'Failed: A',
      },
      { level: 'warning', message: 'resumed' },
    ]);
    expect(result.stdout).toContain('sha=abc123');
    expect(result.log).not.toContain('s3cr3t');
    expect(result.inputsRead).toEqual(['INPUT_FAIL', 'INPUT_GREETING', 'INPUT_MESSAGE']);
  });

  it('runs post after a failed main, and reports the failure', async () => {
    const result = await runBundledAction(fixture('echo-01'), { inputs: { message: 'x', fail: 'true' } });
    expect(result.exitCode).toBe(1);
    expect(result.phases.map((p) => [p.name, p.exitCode])).toEqual([
      ['pre', 0],
      ['main', 1],
      ['post', 0],
    ]);
  });

  it('fails when an action reads an input its action.yml does not declare', async () => {
    await expect(runBundledAction(fixture('undeclared-input-01'))).rejects.toThrow(ActionContractError);
    const result = await runBundledAction(fixture('undeclared-input-01'), { allowContractViolations: true });
    expect(result.contractViolations).toEqual(['reads undeclared input INPUT_NOT_DECLARED']);
  });

  it('fails when an action writes an undeclared output or is given an undeclared input', async () => {
    const result = await runBundledAction(fixture('undeclared-output-01'), {
      inputs: { typo: '1' },
      allowContractViolations: true,
    });
    expect(result.contractViolations).toEqual([
      "writes undeclared output 'surprise'",
      "is given undeclared input 'typo'",
    ]);
    await expect(runBundledAction(fixture('undeclared-output-01'))).rejects.toThrow(
      /writes undeclared output 'surprise'/,
    );
  });

  it('cancels as the runner does: SIGINT, SIGTERM a moment later, then post', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'harness-cancel-')), 'record');
    const result = await runBundledAction(fixture('cancel-01'), {
      inputs: { record },
      cancelAfterMs: 500,
      sigtermDelayMs: 700,
    });
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    expect(result.cancelled).toBe(true);
    expect(result.exitCode).toBe(143);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['main', 'SIGINT', 'SIGTERM', 'post']);
    const at = (i: number) => Number(lines[i]?.split(' ').at(-1));
    expect(at(2) - at(1)).toBeGreaterThanOrEqual(600);
  });

  it('cancels the same way when its signal is aborted (a concurrency group cancelling the job)', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'harness-cancel-')), 'record');
    const controller = new AbortController();
    // abort once main has installed its handlers (a fixed delay races with node's start under load)
    const poll = setInterval(() => {
      if (existsSync(record) && readFileSync(record, 'utf8').includes('main started')) {
        clearInterval(poll);
        setTimeout(() => controller.abort(new Error('replaced')), 100);
      }
    }, 20);
    const result = await runBundledAction(fixture('cancel-01'), {
      inputs: { record },
      signal: controller.signal,
      sigtermDelayMs: 700,
    });
    expect(result.cancelled).toBe(true);
    expect(
      readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['main', 'SIGINT', 'SIGTERM', 'post']);
  });

  it('kills main outright when its kill signal is aborted, then runs post', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-kill-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const record = join(dir, 'record');
    const controller = new AbortController();
    const poll = setInterval(() => {
      if (existsSync(record) && readFileSync(record, 'utf8').includes('main started')) {
        clearInterval(poll);
        controller.abort();
      }
    }, 20);
    const result = await runBundledAction(fixture('cancel-01'), {
      inputs: { record },
      kill: controller.signal,
      timeoutMs: 30_000,
    });
    expect(result.cancelled).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.phases.map((p) => p.name)).toEqual(['main', 'post']);
    // killed long before the 30 s bound, and with no chance to handle a signal
    expect(result.phases[0]?.durationMs).toBeLessThan(20_000);
    expect(
      readFileSync(record, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['main', 'post']);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow expression is what the test is about
  it('gives an input whose default is ${{ github.token }} the job token, and masks it in the log', async () => {
    const token = 'ghs_harnessToken0123456789abcdefghijklmnop';
    const result = await runBundledAction(fixture('token-default-01'), { github: { token } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ 'token-length': String(token.length) });
    expect(result.stdout).toContain(`token=${token}`);
    expect(result.stdout).toContain(`spaced=${token}`);
    expect(result.log).not.toContain(token);
    expect(result.log).toContain('token=***');

    const given = await runBundledAction(fixture('token-default-01'), {
      github: { token },
      inputs: { token: 'ghp_own' },
    });
    expect(given.stdout).toContain('token=ghp_own');
    expect(given.stdout).toContain(`spaced=${token}`);
  });

  it('refuses an action whose input default is another expression, before running it', async () => {
    await expect(runBundledAction(fixture('expression-default-01'))).rejects.toThrow(
      /input 'ref' of .*expression-default-01 has an expression default; not supported here/,
    );
  });
});
