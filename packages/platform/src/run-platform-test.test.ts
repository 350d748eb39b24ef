import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkflowCommands } from '@bakeline/action-host';
import type { Digest } from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEngine, type FakeEngineOptions, imageInspect } from '../test/fake-engine.ts';
import { DockerCli } from './docker-cli.ts';
import { type PlatformTestOptions, runPlatformTest } from './run-platform-test.ts';
import { parseSpec } from './spec.ts';

// The "container": a server on 127.0.0.1 that `docker port` points at.
let server: Server;
let port: number;
let answer = { status: 'UP', productName: 'Ostock' };
const work = mkdtempSync(join(tmpdir(), 'platform-run-test-'));
const pinned = `sha256:${'a'.repeat(64)}` as Digest;
const reference = `127.0.0.1:5000/ostock/licensing@${pinned}`;
const imageId = `sha256:${'c'.repeat(64)}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/health' ? { status: answer.status } : answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

const SPEC = `
target:
  port: 8080
  readiness:
    http: /health
checks:
  - name: health
    http:
      path: /health
      expect:
        json:
          - path: $.status
            equals: UP
  - name: product
    http:
      path: /license
      expect:
        json:
          - path: $.productName
            equals: Ostock
  - name: non-root
    metadata:
      user:
        notRoot: true
  - name: jar
    file:
      path: /app/app.jar
  - name: java
    command:
      run: [java, -version]
`;

function setup(options: { spec?: string; engine?: FakeEngineOptions; run?: Partial<PlatformTestOptions> } = {}) {
  const engine = new FakeEngine({
    images: { [reference]: imageInspect(imageId, { User: '10001' }, [reference]) },
    hostPort: port,
    logs: 'started\n::error::injected by the container\npassword is hunter2\n',
    exec: (argv) => (argv[0] === 'stat' ? { stdout: '644|0|0|root|root|regular file\n' } : { stderr: 'version "17"' }),
    ...options.engine,
  });
  const resources: { containers: string[]; networks: string[] }[] = [];
  const junitPath = join(work, `junit-${Math.random().toString(16).slice(2)}.xml`);
  const run = () =>
    runPlatformTest({
      target: { kind: 'image', source: { kind: 'image', reference } },
      spec: parseSpec(options.spec ?? SPEC, 'spec.yml'),
      env: { APP_PROFILE: 'test' },
      secretEnv: { DB_PASSWORD: 'hunter2' },
      startupTimeoutMs: 5000,
      keepOnFailure: false,
      runId: '42-abcd',
      workDir: work,
      junitPath,
      logger: silentLogger,
      docker: new DockerCli({ exec: engine.exec, ...(options.run?.signal ? { signal: options.run.signal } : {}) }),
      onResources: (r) => resources.push(r),
      ...options.run,
    });
  return { engine, run, resources, junitPath };
}

describe('runPlatformTest', () => {
  it('starts the verified image with env only, ports on 127.0.0.1 and a label, runs every check, removes it', async () => {
    const { engine, run, resources, junitPath } = setup();
    const result = await run();
    expect(result.results.map((r) => [r.name, r.kind, r.status, r.message])).toEqual([
      ['health', 'http', 'passed', ''],
      ['product', 'http', 'passed', ''],
      ['non-root', 'metadata', 'passed', ''],
      ['jar', 'file', 'passed', ''],
      ['java', 'command', 'passed', ''],
    ]);
    expect(result).toMatchObject({
      passed: 5,
      failed: 0,
      skipped: 0,
      cancelled: false,
      kept: false,
      containerLog: undefined,
    });
    const target = [...engine.calls].find((c) => c.args[0] === 'run');
    expect(target?.args).toEqual([
      'run',
      '--detach',
      '--name',
      'bakeline-pt-42-abcd',
      '--label',
      'io.bakeline.platform-test=42-abcd',
      '--env-file',
      expect.stringMatching(/target\.env$/),
      '--publish',
      '127.0.0.1::8080',
      imageId,
    ]);
    expect(engine.commands.join('\n')).not.toContain('hunter2');
    const started = resources.at(-1)?.containers[0] ?? '';
    expect(engine.commands.slice(-3)).toEqual([
      'docker ps --all --quiet --no-trunc --filter label=io.bakeline.platform-test=42-abcd',
      `docker rm --force --volumes ${started}`,
      'docker network ls --quiet --no-trunc --filter label=io.bakeline.platform-test=42-abcd',
    ]);
    expect(engine.containers.size).toBe(0);
    expect(resources).toEqual([{ containers: [started], networks: [] }]);
    const junit = readFileSync(junitPath, 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain('tests="5" failures="0" errors="0" skipped="0"');
  });

  it('passes runtime configuration, secrets included, through a 0600 env file only', async () => {
    const { engine, run } = setup();
    await run();
    expect(engine.started[0]?.envFile).toBe('APP_PROFILE=test\nDB_PASSWORD=hunter2\n');
    const envFile = engine.calls.find((c) => c.args[0] === 'run')?.args[7] ?? '';
    expect(() => readFileSync(envFile)).toThrow(/ENOENT/); // removed once the container runs
  });

  it('starts services on a user-defined network under their names, then the target on it', async () => {
    const spec = `${SPEC}services:\n  - name: db\n    image: postgres@sha256:${'d'.repeat(64)}\n    env:\n      POSTGRES_DB: app\n`;
    const { engine, run, resources } = setup({ spec });
    await run();
    const runs = engine.calls.filter((c) => c.args[0] === 'run' || c.args[0] === 'network').map((c) => c.args);
    expect(runs[0]).toEqual([
      'network',
      'create',
      '--label',
      'io.bakeline.platform-test=42-abcd',
      'bakeline-pt-42-abcd',
    ]);
    expect(runs[1]).toEqual([
      'run',
      '--detach',
      '--name',
      'bakeline-pt-42-abcd-db',
      '--label',
      'io.bakeline.platform-test=42-abcd',
      '--env',
      'POSTGRES_DB=app',
      '--network',
      'bakeline-pt-42-abcd',
      '--network-alias',
      'db',
      `postgres@sha256:${'d'.repeat(64)}`,
    ]);
    expect(runs[2]).toContain('--network');
    expect(resources.at(-1)?.containers).toHaveLength(2);
    expect(resources.at(-1)?.networks).toHaveLength(1);
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
  });

  it('fails a check, keeps its message, shows the container log masked and neutralised, and still removes', async () => {
    answer = { status: 'UP', productName: '0stock' };
    try {
      const { engine, run, junitPath } = setup();
      const result = await run();
      expect(result.failed).toBe(1);
      expect(result.results.find((r) => r.status === 'failed')).toMatchObject({
        name: 'product',
        message: '$.productName is "0stock", expected "Ostock"',
      });
      expect(result.containerLog).toBe('started\n:\u200b:error::injected by the container\npassword is ***\n');
      expect(engine.containers.size).toBe(0);
      const junit = readFileSync(junitPath, 'utf8');
      expect(junit).toContain('failures="1"');
      expect(junit).not.toContain('hunter2');
      expect(junit).toContain('<system-out>');
    } finally {
      answer = { status: 'UP', productName: 'Ostock' };
    }
  });

  it('leaves the containers running on failure with keep-on-failure', async () => {
    answer = { status: 'UP', productName: '0stock' };
    try {
      const { engine, run } = setup({ run: { keepOnFailure: true } });
      const result = await run();
      expect(result.kept).toBe(true);
      expect(engine.containers.size).toBe(1);
      expect(engine.commands.some((c) => c.startsWith('docker rm'))).toBe(false);
    } finally {
      answer = { status: 'UP', productName: 'Ostock' };
    }
  });

  it('reports a container that exits before it is ready, runs only the metadata checks, shows the log', async () => {
    const { engine, run } = setup({ engine: { targetState: { running: false, exitCode: 2 } } });
    const result = await run();
    expect(result.results.map((r) => [r.name, r.status])).toEqual([
      ['the target becomes ready', 'failed'],
      ['health', 'skipped'],
      ['product', 'skipped'],
      ['non-root', 'passed'],
      ['jar', 'skipped'],
      ['java', 'skipped'],
    ]);
    expect(result.results[0]?.message).toBe('the container exited with code 2 before it was ready');
    expect(result.results[1]?.message).toBe('not run: the target did not become ready');
    expect(result.containerLog).toContain('started');
    expect(engine.containers.size).toBe(0);
  });

  it('stops and removes everything when cancelled while waiting for readiness', async () => {
    const controller = new AbortController();
    let inspections = 0;
    const { engine, run } = setup({
      engine: {
        targetState: { running: true, exitCode: 0 },
        onCall: (args) => {
          if (args[0] === 'container' && ++inspections === 2) controller.abort();
        },
      },
      run: { signal: controller.signal },
      spec: SPEC.replace('http: /health', 'http: { path: /health, status: 204 }'),
    });
    const result = await run();
    expect(result.cancelled).toBe(true);
    expect(result.failed).toBe(0);
    expect(result.results.filter((r) => r.status !== 'skipped')).toEqual([]);
    expect(engine.containers.size).toBe(0);
    const removal = engine.calls.filter((c) => c.args[0] === 'rm' || c.args[0] === 'ps');
    expect(removal.every((c) => c.options?.signal === undefined)).toBe(true);
  });

  it('points the HTTP checks at a base URL without Docker and reports the others as not applicable', async () => {
    const { engine, run } = setup({ run: { target: { kind: 'url', baseUrl: `http://127.0.0.1:${port}` } } });
    const result = await run();
    expect(result.results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['health', 'passed', ''],
      ['product', 'passed', ''],
      ['non-root', 'skipped', `not applicable: the target is a URL (http://127.0.0.1:${port}), not a container`],
      ['jar', 'skipped', `not applicable: the target is a URL (http://127.0.0.1:${port}), not a container`],
      ['java', 'skipped', `not applicable: the target is a URL (http://127.0.0.1:${port}), not a container`],
    ]);
    expect(engine.commands.filter((c) => !/^docker (ps|network ls)/.test(c))).toEqual([]);
  });

  it('starts nothing when the image cannot be verified, and writes no report (nothing was tested)', async () => {
    const { engine, run, junitPath } = setup({ engine: { images: { [reference]: imageInspect(imageId, {}, []) } } });
    await expect(run()).rejects.toThrow(`does not carry ${pinned}`);
    expect(engine.calls.some((c) => c.args[0] === 'run')).toBe(false);
    expect(existsSync(junitPath)).toBe(false);
  });
});

describe('container output quoted in ✗ lines and the container log carries workflow commands', () => {
  const HOSTILE: [string, string][] = [
    ['::error:: at the start', '::error::injected'],
    ['::add-mask::', '::add-mask::injected'],
    ['##[ at the start', '##[error]injected'],
    ['##[ in mid-line', 'harmless text ##[warning]injected'],
    ['a U+0085 lead', '\u0085::error::injected'],
    ['%0A before a command', '%0A::error::injected'],
    ['\\r as a line break', 'progress 50%\r::error::injected'],
    ['stop-commands', '::stop-commands::injected'],
  ];

  it.each(HOSTILE)('%s: the printed lines and the log the step prints hold no command', async (_what, text) => {
    const printedLines: string[] = [];
    const logger = { ...silentLogger, info: (line: string) => printedLines.push(line) };
    const { run } = setup({
      engine: {
        logs: `started\n${text}\n`,
        exec: (argv) =>
          argv[0] === 'stat'
            ? { stdout: '644|0|0|root|root|regular file\n' }
            : { exitCode: 1, stderr: `${text}\n${text}` },
      },
      run: { logger },
    });
    const result = await run();
    expect(result.results.find((r) => r.name === 'java')?.status).toBe('failed');
    expect(printedLines.some((line) => line.startsWith('✗ java') && line.includes('injected'))).toBe(true);
    const printed = parseWorkflowCommands(printedLines.join('\n'));
    expect(printed).toMatchObject({ annotations: [], masks: [], deprecated: [], unknown: [] });
    expect(result.containerLog).toContain('injected');
    const log = parseWorkflowCommands(result.containerLog ?? '');
    expect(log).toMatchObject({ annotations: [], masks: [], deprecated: [], unknown: [] });
  });
});
