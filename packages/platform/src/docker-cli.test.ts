import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../test/fake-engine.ts';
import { DockerCli, execArgv, parseHostPort, runArgv } from './docker-cli.ts';

describe('docker argv', () => {
  it('starts a target detached, labelled, with an env file and ports on 127.0.0.1 only', () => {
    expect(
      runArgv({
        image: 'sha256:abc',
        name: 'bakeline-pt-1-x',
        labels: { 'io.bakeline.platform-test': '1-x' },
        envFile: '/tmp/e/target.env',
        publish: [8080, 9090],
        network: 'bakeline-pt-1-x',
      }),
    ).toEqual([
      'run',
      '--detach',
      '--name',
      'bakeline-pt-1-x',
      '--label',
      'io.bakeline.platform-test=1-x',
      '--env-file',
      '/tmp/e/target.env',
      '--publish',
      '127.0.0.1::8080',
      '--publish',
      '127.0.0.1::9090',
      '--network',
      'bakeline-pt-1-x',
      'sha256:abc',
    ]);
  });

  it('starts a service on the network under its name, with its command', () => {
    expect(
      runArgv({
        image: 'redis@sha256:0',
        name: 'n-cache',
        labels: { l: 'v' },
        env: { A: '1' },
        network: 'n',
        networkAlias: 'cache',
        command: ['redis-server', '--save', ''],
      }),
    ).toEqual([
      'run',
      '--detach',
      '--name',
      'n-cache',
      '--label',
      'l=v',
      '--env',
      'A=1',
      '--network',
      'n',
      '--network-alias',
      'cache',
      'redis@sha256:0',
      'redis-server',
      '--save',
      '',
    ]);
  });

  it('runs a command check with its env, user and working directory', () => {
    expect(execArgv('c1', ['java', '-version'], { env: { X: 'y' }, user: '10001', workdir: '/tmp' })).toEqual([
      'exec',
      '--env',
      'X=y',
      '--user',
      '10001',
      '--workdir',
      '/tmp',
      'c1',
      'java',
      '-version',
    ]);
  });

  // One detector (@bakeline/docker's, as buildx reads it): only DriverStatus' driver-type pair
  // names the containerd store; the storage driver name `overlayfs` alone does not.
  it.each([
    [{ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }, 'classic'],
    [{ Driver: 'overlayfs', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }, 'containerd'],
    [{ Driver: 'overlayfs', DriverStatus: [['Backing Filesystem', 'extfs']] }, 'classic'],
    [{ Driver: 'vfs', DriverStatus: null }, 'classic'],
  ] as const)('reads the image store from docker info %j', async (info, store) => {
    const engine = new FakeEngine({
      info: {
        Driver: info.Driver,
        DriverStatus: info.DriverStatus?.map((p) => [p[0], p[1]] as [string, string]) ?? null,
      },
    });
    expect(await new DockerCli({ exec: engine.exec }).imageStore()).toBe(store);
    expect(engine.commands).toEqual(['docker info --format {{json .}}']);
  });

  it.each([
    ['127.0.0.1:49153\n', 49153],
    ['0.0.0.0:49153\n[::]:49153\n', undefined],
    ['[::1]:5000\n127.0.0.1:5001', 5001],
  ])('reads the 127.0.0.1 host port from %j', (output, port) => {
    expect(parseHostPort(output)).toBe(port);
  });
});

describe('DockerCli', () => {
  it('passes the abort signal to every command but removal', async () => {
    const engine = new FakeEngine();
    const controller = new AbortController();
    const docker = new DockerCli({ exec: engine.exec, signal: controller.signal });
    await docker.imageStore();
    await docker.remove({ containers: [], networks: [], label: 'io.bakeline.platform-test=r' });
    expect(engine.calls.map((c) => [c.args[0], c.options?.signal !== undefined])).toEqual([
      ['info', true],
      ['ps', false],
      ['network', false],
    ]);
  });

  it('removes by ID and by label, containers first, then networks', async () => {
    const engine = new FakeEngine();
    const docker = new DockerCli({ exec: engine.exec });
    const network = await docker.createNetwork('n', { 'io.bakeline.platform-test': 'r1' });
    const a = await docker.runContainer({ image: 'i', name: 'a', labels: { 'io.bakeline.platform-test': 'r1' } });
    await docker.runContainer({ image: 'i', name: 'other', labels: { 'io.bakeline.platform-test': 'r2' } });
    engine.calls.length = 0;
    const removed = await docker.remove({ containers: [a], networks: [], label: 'io.bakeline.platform-test=r1' });
    expect(removed).toBe(1);
    expect(engine.commands).toEqual([
      'docker ps --all --quiet --no-trunc --filter label=io.bakeline.platform-test=r1',
      `docker rm --force --volumes ${a}`,
      'docker network ls --quiet --no-trunc --filter label=io.bakeline.platform-test=r1',
      `docker network rm ${network}`,
    ]);
    expect([...engine.containers.values()].map((c) => c.name)).toEqual(['other']);
    expect(engine.networks.size).toBe(0);
  });
});
