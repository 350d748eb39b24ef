// The kubelet's runtime goes through @bakeline/docker: every command carries the node's own
// client config directory, and the argv is the one the runtime means.
import type { Exec } from '@bakeline/toolkit';
import { afterEach, describe, expect, test } from 'vitest';
import { DockerRuntime } from './docker-runtime.ts';

const runtimes: DockerRuntime[] = [];
afterEach(() => {
  for (const r of runtimes.splice(0)) r.dispose();
});

function recording(stdout = '') {
  const calls: { command: string; args: string[] }[] = [];
  const exec: Exec = async (command, args) => {
    calls.push({ command, args: [...args] });
    return { exitCode: 0, signal: null, stdout, stderr: '', durationMs: 0 };
  };
  return { calls, exec };
}

describe('DockerRuntime', () => {
  test('create: labels, env, ports on 127.0.0.1, entrypoint, behind --config <node dir>', async () => {
    const { calls, exec } = recording('c0ffee\n');
    const runtime = new DockerRuntime({ exec, docker: 'docker-x' });
    runtimes.push(runtime);
    const id = await runtime.create({
      name: 'p',
      image: 'i@sha256:1',
      labels: { a: 'b' },
      env: { K: 'v' },
      ports: [8080],
      command: ['java', '-jar'],
      args: ['app.jar'],
    });
    expect(id).toBe('c0ffee');
    const [call] = calls;
    expect(call?.command).toBe('docker-x');
    expect(call?.args.slice(0, 2)[0]).toBe('--config');
    expect(call?.args.slice(1, 2)[0]).toMatch(/bakeline-kubelet-docker-/);
    expect(call?.args.slice(2)).toEqual([
      'create',
      '--name',
      'p',
      '--label',
      'a=b',
      '--env',
      'K=v',
      '--publish',
      '127.0.0.1::8080',
      '--entrypoint',
      'java',
      'i@sha256:1',
      '-jar',
      'app.jar',
    ]);
  });

  test('wait and logs take the caller signal', async () => {
    const { calls, exec } = recording('0\n');
    const runtime = new DockerRuntime({ exec });
    runtimes.push(runtime);
    const controller = new AbortController();
    expect(await runtime.wait('c', controller.signal)).toBe(0);
    await runtime.logs('c', { tailLines: 5, timestamps: true, follow: false }, () => {}, controller.signal);
    expect(calls.map((c) => c.args.slice(2))).toEqual([
      ['wait', 'c'],
      ['logs', '--tail', '5', '--timestamps', 'c'],
    ]);
  });
});
