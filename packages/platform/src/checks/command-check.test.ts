import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../../test/fake-engine.ts';
import { DockerCli } from '../docker-cli.ts';
import { commandCheck } from '../spec-schema.ts';
import { runCommandCheck } from './command-check.ts';

describe('command checks', () => {
  it('runs the command in the container with its env, user and working directory, and passes', async () => {
    const engine = new FakeEngine({ exec: () => ({ exitCode: 0, stdout: '', stderr: 'openjdk version "17.0.13"\n' }) });
    const check = commandCheck.parse({
      run: ['java', '-version'],
      env: { JAVA_TOOL_OPTIONS: '-Xmx32m' },
      user: '10001',
      workdir: '/tmp',
      timeout: '20s',
      expect: { stderrMatches: 'version "17', stdoutNotMatches: '.' },
    });
    expect(await runCommandCheck(new DockerCli({ exec: engine.exec }), 'c1', check)).toEqual([]);
    expect(engine.calls[0]?.args).toEqual([
      'exec',
      '--env',
      'JAVA_TOOL_OPTIONS=-Xmx32m',
      '--user',
      '10001',
      '--workdir',
      '/tmp',
      'c1',
      'java',
      '-version',
    ]);
    expect(engine.calls[0]?.options?.timeoutMs).toBe(20_000);
  });

  it('reports the exit code and each stream that does not match', async () => {
    const engine = new FakeEngine({ exec: () => ({ exitCode: 3, stdout: 'hello\n', stderr: 'Error: boom\n' }) });
    const check = commandCheck.parse({
      run: ['app', '--check'],
      expect: { exitCode: 0, stdoutMatches: '^ok$', stdoutNotMatches: 'hell', stderrNotMatches: '^Error' },
    });
    expect(await runCommandCheck(new DockerCli({ exec: engine.exec }), 'c1', check)).toEqual([
      'exit code 3, expected 0 (stderr "Error: boom")',
      'stdout does not match /^ok$/: "hello\\n"',
      'stdout matches /hell/: "hello\\n"',
      'stderr matches /^Error/: "Error: boom\\n"',
    ]);
  });
});
