// The CLI's options that choose how the cloud is set up are checked before anything starts: the
// error names the option, the value and what was expected, and the state directory stays empty.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, 'cli.ts');
const temp = mkdtempSync(join(tmpdir(), 'bakeline-cli-options-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('local cloud CLI: set-up options', () => {
  it.each([
    [
      ['--pipeline-iam', 'cloudformation'],
      "--pipeline-iam: got 'cloudformation'; expected terraform-snapshot or terraform",
    ],
    [['--namespaces', 'dev,Prod'], "--namespaces: got 'Prod'; expected Kubernetes namespace names, comma-separated"],
  ])('refuses %j before starting anything', async (args, message) => {
    const stateDir = join(temp, String(args[0]).replace(/^--/, ''));
    const result = await exec(process.execPath, [cli, 'start', '--state-dir', stateDir, ...args], {
      timeoutMs: 60_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
  });
});
