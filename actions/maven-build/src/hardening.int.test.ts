// maven-build from its bundle on real Maven, where a build goes wrong: an upstream module fails
// (honest report), the run is cancelled (nothing left), Maven's output carries workflow commands
// (nothing injected), private repository credentials (nothing leaked).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runBundledAction } from '@bakeline/test/harness';
import { describe, expect, it } from 'vitest';

const TIMEOUT = 300_000;
const offline = { 'working-directory': 'project', arguments: '-o', cache: 'false', 'source-date-epoch': '1700000000' };

function checkout(source: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'maven-hardening-ws-'));
  cpSync(join(repoRoot, source), join(workspace, 'project'), {
    recursive: true,
    filter: (src) => !/\/target(\/|$)/.test(src),
  });
  return workspace;
}

/** PIDs of live processes whose command line mentions `text` (zombies excluded). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(text) && state !== 'Z') found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function waitForNone(text: string, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = processesMentioning(text);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesMentioning(text);
  }
  return left;
}

describe('maven-build when an upstream module fails', () => {
  it(
    'reports the skipped module and why there is no artifact, in the log and the summary',
    async () => {
      const workspace = checkout('actions/maven-build/test/fixtures/reactor-upstream-failure-01');
      const result = await runBundledAction('maven-build', {
        workspace,
        inputs: { ...offline, module: 'licensing-service' },
        timeoutMs: TIMEOUT,
      });
      const reason = 'no artifact: module licensing-service was SKIPPED because module common FAILED';
      expect(result.exitCode).toBe(1);
      expect(result.outputs.artifact).toBeUndefined();
      expect(result.outputs['artifact-sha256']).toBeUndefined();
      expect(result.annotations).toContainEqual({
        level: 'warning',
        message: 'Maven skipped 1 module(s): licensing-service',
      });
      expect(result.annotations).toContainEqual({ level: 'warning', message: reason });
      expect(result.annotations.at(-1)?.message).toBe(`1 test(s) failed: GreeterTest.greetsPolitely; ${reason}`);
      expect(result.summary).toContain(`<p>${reason}</p>`);
      expect(result.summary).toMatch(/<td>licensing-service<\/td><td>SKIPPED<\/td>/);
      expect(result.summary).toMatch(/<td>common<\/td><td>FAILURE<\/td>/);
    },
    TIMEOUT,
  );
});

describe('maven-build with private repository credentials', () => {
  it(
    'builds offline with the settings, never writes or prints the secrets, and leaves no settings file',
    async () => {
      const workspace = checkout('test/fixtures/maven/multi-module-01');
      const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
      const password = 'pw-9f8e7d6c5b4a-secret';
      const username = 'deployer-3a2b1c';
      const result = await runBundledAction('maven-build', {
        workspace,
        runnerTemp,
        inputs: {
          ...offline,
          module: 'service',
          'server-id': 'corp-releases',
          'server-username': username,
          'server-password': password,
        },
        timeoutMs: TIMEOUT,
      });
      expect(result.exitCode, result.log).toBe(0);
      expect(result.outputs['artifact-id']).toBe('multi-service');
      expect(result.masks).toEqual(expect.arrayContaining([password, username]));
      expect(result.log).not.toContain(password);
      expect(result.log).not.toContain(username);
      expect(result.summary).not.toContain(password);
      expect(result.stdout).toMatch(
        new RegExp(
          `::group::mvn -B --no-transfer-progress -Dproject\\.build\\.outputTimestamp=\\S+ -s ${runnerTemp}/bakeline-maven-\\w+/settings\\.xml -o verify`,
        ),
      );
      expect(result.stdout).toContain('server corp-releases: credentials from the environment, in user settings (-s)');
      expect(readdirSync(runnerTemp).filter((f) => f.startsWith('bakeline-maven-'))).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('maven-build cancelled', () => {
  it(
    'stops Maven and its test JVM, removes its scratch, fails saying so; a re-run completes',
    async () => {
      const workspace = checkout('actions/maven-build/test/fixtures/slow-test-01');
      const project = join(workspace, 'project');
      const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
      const inputs = { ...offline, 'server-id': 'corp', 'server-username': 'u-cancel', 'server-password': 'p-cancel' };
      let testStarted = 0;
      const started = Date.now();
      const cancelled = await runBundledAction('maven-build', {
        workspace,
        runnerTemp,
        inputs,
        env: { FIXTURE_SLEEP_SECONDS: '600' },
        cancelAfterMs: 30_000,
        onLine: (line) => {
          if (line.includes('slow test: sleeping 600 s')) testStarted = Date.now();
        },
        timeoutMs: TIMEOUT,
      });
      const finished = Date.now();
      expect(cancelled.cancelled).toBe(true);
      // Cancelled while the forked test JVM slept (not before Maven got there).
      expect(testStarted, cancelled.log).toBeGreaterThan(0);
      expect(cancelled.exitCode).toBe(1);
      // Stopped at SIGINT, well before the runner's SIGTERM 7.5 s later.
      expect(finished - started).toBeLessThan(30_000 + 7_500);
      expect(cancelled.stdout).toContain('cancelled (SIGINT): stopping Maven and every process it started');
      expect(cancelled.annotations.at(-1)?.message).toMatch(
        /^Maven build cancelled: Maven and the processes it started were stopped, and its scratch files removed/,
      );
      expect(await waitForNone(project, 5_000)).toEqual([]);
      expect(readdirSync(runnerTemp).filter((f) => f.startsWith('bakeline-maven-'))).toEqual([]);
      expect(cancelled.outputs.artifact).toBeUndefined();

      const rerun = await runBundledAction('maven-build', { workspace, runnerTemp, inputs, timeoutMs: TIMEOUT });
      expect(rerun.exitCode, rerun.log).toBe(0);
      expect(rerun.outputs['tests-passed']).toBe('1');
      expect(existsSync(rerun.outputs.artifact ?? '')).toBe(true);
    },
    2 * TIMEOUT,
  );
});

/**
 * What GitHub's runner takes for workflow commands in `stdout`, whatever the harness's own parser
 * sees: a line that starts with `::` after .NET's Trim() (Char.IsWhiteSpace, which includes
 * U+0085 and other characters JavaScript's trim leaves), and the legacy `##[name` anywhere.
 */
function runnerCommands(stdout: string, payloads: readonly string[]): string[] {
  const dotnetTrim = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  return stdout
    .split('\n')
    .filter((line) => /##\[[A-Za-z-]+/.test(line) || payloads.some((p) => line.replace(dotnetTrim, '').startsWith(p)));
}

describe('maven-build relaying hostile output', () => {
  it(
    'prints workflow commands from a test inert: no annotation, outputs and verdict unchanged',
    async () => {
      const workspace = checkout('actions/maven-build/test/fixtures/hostile-output-01');
      const result = await runBundledAction('maven-build', { workspace, inputs: offline, timeoutMs: TIMEOUT });
      expect(result.exitCode, result.log).toBe(0);
      // The lines reached the log, made inert.
      expect(result.stdout).toContain('mid-line legacy command');
      expect(result.annotations).toEqual([]);
      expect(result.deprecatedCommands).toEqual([]);
      // The harness's parser is not the runner's: check the runner's rules on the raw stdout too.
      const payloads = ['::error::x', '::set-output ', '::error file=pom.xml', '::error::on stderr'];
      expect(runnerCommands(result.stdout, payloads)).toEqual([]);
      expect(result.outputs.artifact).toBe(join(workspace, 'project/target/hostile-output-01-1.0.0.jar'));
      expect(result.outputs['artifact-path']).toBeUndefined();
      expect(result.outputs).toMatchObject({ 'tests-total': '1', 'tests-passed': '1', 'tests-failed': '0' });
    },
    TIMEOUT,
  );
});
