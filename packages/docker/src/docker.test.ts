import type { Exec, ExecResult } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { Docker } from './docker.ts';
import type { ExportPath } from './export-plan.ts';

const spec = { context: '/c', dockerfile: '/c/Dockerfile', buildArgs: {}, labels: {}, sourceDateEpoch: 1 };

/** An exec that records argv and answers from a table (exit 0 and empty output otherwise). */
function recording(answers: (args: readonly string[]) => Partial<ExecResult> | undefined = () => undefined) {
  const calls: string[][] = [];
  const exec: Exec = async (_command, args, options) => {
    calls.push([...args]);
    const answer = answers(args) ?? {};
    if (answer.stdout) options?.onStdout?.(answer.stdout);
    return { exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 0, ...answer };
  };
  return { calls, exec };
}

describe('Docker.buildToArchive', () => {
  test.each<[ExportPath, string[]]>([
    ['buildx-archive', ['buildx build']],
    ['buildx-load', ['buildx build', 'save', 'image rm']],
    ['classic', ['build', 'save', 'image rm']],
  ])('%s runs %j', async (path, commands) => {
    const { calls, exec } = recording();
    await new Docker({ exec }).buildToArchive(spec, { path, reason: '' }, '/out.tar');
    expect(calls.map((c) => (c[0] === 'buildx' || c[0] === 'image' ? c.slice(0, 2).join(' ') : c[0]))).toEqual(
      commands,
    );
    if (path !== 'buildx-archive') {
      const tag = calls[0]?.[calls[0].indexOf('--tag') + 1];
      expect(tag).toMatch(/^bakeline-build-tmp:[0-9a-f]{12}$/);
      expect(calls[1]).toEqual(['save', '--output', '/out.tar', tag]);
      expect(calls[2]).toEqual(['image', 'rm', '--no-prune', tag]);
    }
  });

  test('the temporary tag is removed when the build fails', async () => {
    const { calls, exec } = recording((args) =>
      args[0] === 'buildx' ? { exitCode: 1, stderr: 'ERROR: x' } : undefined,
    );
    const docker = new Docker({ exec });
    await expect(docker.buildToArchive(spec, { path: 'buildx-load', reason: '' }, '/o.tar')).rejects.toThrow(
      /ERROR: x/,
    );
    expect(calls.at(-1)?.slice(0, 3)).toEqual(['image', 'rm', '--no-prune']);
  });

  test('output reaches the caller as whole lines', async () => {
    const chunks = ['#1 [internal] load\n#2 RUN ec', 'ho hi\n::set-', 'output name=x::y\nlast'];
    const exec: Exec = async (_c, _a, options) => {
      for (const chunk of chunks) options?.onStdout?.(chunk);
      return { exitCode: 0, signal: null, stdout: chunks.join(''), stderr: '', durationMs: 0 };
    };
    const lines: string[] = [];
    await new Docker({ exec }).buildToArchive(spec, { path: 'buildx-archive', reason: '' }, '/o.tar', {
      onLine: (l) => lines.push(l),
    });
    expect(lines).toEqual(['#1 [internal] load', '#2 RUN echo hi', '::set-output name=x::y', 'last']);
  });
});

describe('Docker.capabilities', () => {
  test('no buildx: only docker info is read', async () => {
    const { calls, exec } = recording((args) =>
      args[0] === 'info'
        ? { stdout: '{"Driver":"overlay2","DriverStatus":[],"ServerVersion":"20.10.24"}' }
        : { exitCode: 1, stderr: "docker: 'buildx' is not a docker command." },
    );
    const engine = await new Docker({ exec }).capabilities();
    expect(engine).toEqual({
      info: { serverVersion: '20.10.24', storageDriver: 'overlay2', imageStore: 'classic', imageIdIs: 'config-digest' },
    });
    expect(calls).toEqual([
      ['info', '--format', '{{json .}}'],
      ['buildx', 'version'],
    ]);
  });

  test('buildx: the current builder is inspected for its driver', async () => {
    const { exec } = recording((args) =>
      args[0] === 'info'
        ? { stdout: '{"Driver":"overlay2","DriverStatus":[],"ServerVersion":"28.0.0"}' }
        : args[1] === 'version'
          ? { stdout: 'github.com/docker/buildx v0.29.1 a32761a\n' }
          : { stdout: 'Name:   default\nDriver: docker\n' },
    );
    const plan = await new Docker({ exec }).exportPlan();
    expect(plan.engine.buildx).toEqual({ version: '0.29.1', builder: 'default', driver: 'docker' });
    expect(plan.path).toBe('buildx-load');
  });
});

describe('Docker image commands', () => {
  test('inspectImage: undefined for no such image, parsed otherwise', async () => {
    const id = `sha256:${'c'.repeat(64)}`;
    const { exec } = recording((args) =>
      args[4] === 'missing'
        ? { exitCode: 1, stderr: 'Error: No such image: missing' }
        : { stdout: JSON.stringify({ Id: id, RepoTags: [], RootFS: { Layers: [] } }) },
    );
    const docker = new Docker({ exec });
    expect(await docker.inspectImage('missing')).toBeUndefined();
    expect((await docker.inspectImage('x'))?.id).toBe(id);
  });

  test('load reads what was loaded; rm and removeTag ignore what is already gone', async () => {
    const { calls, exec } = recording((args) =>
      args[0] === 'load'
        ? { stdout: 'Loaded image: a:1\nLoaded image ID: sha256:abc\n' }
        : { exitCode: 1, stderr: 'Error: No such container: x\nError: No such image: x' },
    );
    const docker = new Docker({ exec });
    expect(await docker.load('/a.tar')).toEqual(['a:1', 'sha256:abc']);
    await docker.rm('x');
    await docker.removeTag('x');
    expect(calls.slice(1)).toEqual([
      ['rm', '--force', '--volumes', 'x'],
      ['image', 'rm', '--no-prune', 'x'],
    ]);
  });

  test('cli: a config directory goes before every command; abortable: false drops the signal', async () => {
    const seen: { args: string[]; signal: boolean }[] = [];
    const exec: Exec = async (_command, args, options) => {
      seen.push({ args: [...args], signal: options?.signal !== undefined });
      return { exitCode: 3, signal: null, stdout: '', stderr: 'boom', durationMs: 0 };
    };
    const docker = new Docker({ exec, config: '/cfg', signal: new AbortController().signal });
    expect((await docker.cli(['ps'])).exitCode).toBe(3);
    await docker.cli(['rm', 'x'], { abortable: false });
    await expect(docker.cliChecked(['start', 'x'])).rejects.toThrow(/failed with exit code 3:\nboom/);
    expect(seen).toEqual([
      { args: ['--config', '/cfg', 'ps'], signal: true },
      { args: ['--config', '/cfg', 'rm', 'x'], signal: false },
      { args: ['--config', '/cfg', 'start', 'x'], signal: true },
    ]);
  });

  test('imageStore and pull', async () => {
    const { calls, exec } = recording((args) =>
      args[0] === 'info'
        ? {
            stdout: JSON.stringify({
              Driver: 'overlayfs',
              DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
            }),
          }
        : undefined,
    );
    const docker = new Docker({ exec });
    expect(await docker.imageStore()).toBe('containerd');
    await docker.pull('r/a@sha256:1');
    expect(calls).toEqual([
      ['info', '--format', '{{json .}}'],
      ['pull', '--quiet', 'r/a@sha256:1'],
    ]);
  });
});
