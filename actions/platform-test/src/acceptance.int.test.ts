// platform-test from its bundle, as the runner runs it, against the real Docker engine, on images
// of the example service baked by docker-bake's jar builder (JRE base from Debian packages), given
// as the layout tar the pipeline passes between jobs. Every run is watched through `docker
// events` filtered by its label: what started, and that it was destroyed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bake, ensureBaseImage, type JarImageSettings } from '@bakeline/bake';
import { startDistribution } from '@bakeline/local-cloud';
import { pushImage, RegistryClient, readLayoutImage } from '@bakeline/oci';
import { execChecked, silentLogger } from '@bakeline/toolkit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessOptions, repoRoot, runBundledAction } from '../../../test/harness/index.ts';
import { limiter } from '../../../test/harness/limiter.ts';

const LABEL = 'io.bakeline.platform-test';
const work = mkdtempSync(join(tmpdir(), 'platform-test-int-'));
const workspace = join(work, 'workspace');
const exampleDir = join(repoRoot, 'examples', 'licensing-service');
const docker = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

interface Baked {
  layout: string;
  archive: string;
  digest: string;
}
const images: Record<'good' | 'root' | 'wrongJson' | 'noisy', Baked> = {} as never;
let registry: Awaited<ReturnType<typeof startDistribution>> | undefined;

/** The example service's JAR, built offline from a copy of its sources (optionally patched). */
async function buildJar(name: string, patch?: (dir: string) => void): Promise<string> {
  const dir = join(work, `src-${name}`);
  cpSync(exampleDir, dir, { recursive: true, filter: (s) => !s.includes(`${exampleDir}/target`) });
  patch?.(dir);
  await execChecked('mvn', ['-o', '-q', '-B', 'package', '-DskipTests'], { cwd: dir, timeoutMs: 600_000 });
  return join(dir, 'target', 'licensing-service.jar');
}

async function bakeImage(name: string, jarPath: string, settings: JarImageSettings = {}): Promise<Baked> {
  const base = await ensureBaseImage({ logger: silentLogger });
  const result = await bake({
    builder: 'jar',
    jarPath,
    base: { kind: 'layout', dir: base.layoutDir, digest: base.digest },
    settings: { ports: ['8080'], ...settings },
    outputDir: join(work, `image-${name}`),
    sourceDateEpoch: 1_700_000_000,
    annotations: {
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.source': 'https://github.com/bakeline-dev/licensing-service',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
    },
    labels: {},
    logger: silentLogger,
    dockerConfigPath: join(work, 'docker-config.json'),
    pullCacheDir: join(work, 'pull-cache'),
  });
  if (!result.archivePath) throw new Error('bake: no archive');
  return { layout: result.layoutDir, archive: result.archivePath, digest: result.digest };
}

/** Runs the action and returns, besides its result, what `docker events` saw for its label. */
async function platformTest(inputs: Record<string, string>, options: HarnessOptions = {}) {
  const since = Math.floor(Date.now() / 1000) - 1;
  const result = await runBundledAction('platform-test', { inputs, workspace, timeoutMs: 240_000, ...options });
  const runId = result.state['run-id'] ?? '';
  const until = Math.ceil(Date.now() / 1000) + 1;
  const events = runId
    ? docker(
        'events',
        '--since',
        String(since),
        '--until',
        String(until),
        '--filter',
        `label=${LABEL}=${runId}`,
        '--filter',
        'type=container',
        '--format',
        '{{.Action}}',
      )
        .split('\n')
        .filter((a) => ['create', 'start', 'destroy'].includes(a))
    : [];
  const left = runId ? docker('ps', '--all', '--quiet', '--filter', `label=${LABEL}=${runId}`) : '';
  const networksLeft = runId ? docker('network', 'ls', '--quiet', '--filter', `label=${LABEL}=${runId}`) : '';
  const error = result.annotations.find((a) => a.level === 'error')?.message ?? '';
  return { ...result, runId, events, left, networksLeft, error };
}

function junitOf(path: string) {
  const xml = readFileSync(path, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'testcase',
  }).parse(xml);
  return {
    xml,
    suite: doc.testsuites.testsuite,
    cases: doc.testsuites.testsuite.testcase as Record<string, unknown>[],
  };
}

beforeAll(async () => {
  const setupStarted = Date.now();
  cpSync(join(exampleDir, 'platform-test.yml'), join(workspace, 'platform-test.yml'));
  // the two JARs build side by side, each baked as soon as it is there
  const good = buildJar('good').then(async (jar) => {
    [images.good, images.root, images.noisy] = await Promise.all([
      bakeImage('good', jar),
      bakeImage('root', jar, { user: '0', allowRoot: true }),
      bakeImage('noisy', jar, {
        entrypoint: [
          '/bin/sh',
          '-c',
          'echo "::error::injected by the container"; echo "::add-mask::PORT"; echo "##[error]old syntax"; exec java -jar /app/app.jar',
        ],
      }),
    ]);
  });
  const wrongJson = buildJar('wrong-json', (dir) => {
    const file = join(dir, 'src/main/java/com/optimagrowth/license/LicenseRepository.java');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"Ostock"', '"0stock"'));
  }).then(async (jar) => {
    images.wrongJson = await bakeImage('wrong-json', jar);
  });
  await Promise.all([good, wrongJson]);
  console.log(`platform-test acceptance: setup ${Date.now() - setupStarted} ms`);
}, 900_000);

afterAll(async () => {
  await registry?.stop();
});

// Two tests at a time (two cores): each run has containers and a network of its own, told apart
// (docker events, what is left) by its own run ID. Declared order is start order: the services
// test reads the tag the first test's load left.
const slots = limiter(2);
function slotted(name: string, body: () => Promise<void>): void {
  it.concurrent(name, () => slots(body));
}

describe('platform-test on the real engine', () => {
  slotted(
    'passes the example image from its layout tar, with valid JUnit XML whose counts match, and removes it',
    async () => {
      const run = await platformTest({
        archive: images.good.archive,
        digest: images.good.digest,
        spec: 'platform-test.yml',
        env: 'APP_PROFILE=platform-test\nLOG_LEVEL=DEBUG',
      });
      expect(run.exitCode, run.log).toBe(0);
      expect(run.outputs).toMatchObject({ passed: '7', failed: '0', skipped: '0' });
      const { suite, cases } = junitOf(run.outputs['junit-path'] ?? '');
      expect(suite).toMatchObject({ tests: '7', failures: '0', errors: '0', skipped: '0' });
      expect(cases).toHaveLength(7);
      expect(run.summary).toContain('license lookup returns the license as JSON');
      expect(run.log).toContain('every blob matches its digest');
      expect(run.log).toMatch(/image ID sha256:[0-9a-f]{64} is the (config|manifest) digest/);
      expect(run.events).toEqual(['create', 'start', 'destroy']);
      expect(run.left).toBe('');
    },
  );

  slotted('refuses a layout whose blobs were altered, before any container starts', async () => {
    const copy = join(work, 'tampered');
    cpSync(images.good.layout, copy, { recursive: true });
    const image = await readLayoutImage(copy);
    const layer = join(copy, 'blobs', 'sha256', (image.manifest.layers.at(-1)?.digest ?? '').slice(7));
    const bytes = readFileSync(layer);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(layer, bytes);
    const run = await platformTest({ layout: copy, digest: images.good.digest, spec: 'platform-test.yml' });
    expect(run.exitCode).toBe(1);
    expect(run.error).toMatch(/sha256:[0-9a-f]{64}.*sha256:[0-9a-f]{64}/);
    expect(run.log).not.toContain('Load into the engine');
    expect(run.events).toEqual([]);
    expect(run.state.containers).toBeUndefined();
  });

  for (const [what, key, check, message] of [
    [
      'runs as root',
      'root',
      'runs as a non-root user, exposes 8080, no secrets baked in',
      'the image runs as root (User is "0")',
    ],
    [
      'answers wrong JSON',
      'wrongJson',
      'license lookup returns the license as JSON',
      '$.productName is "0stock", expected "Ostock"',
    ],
  ] as const) {
    slotted(`fails an image that ${what}, naming the check, and shows the container log`, async () => {
      const run = await platformTest({
        layout: images[key].layout,
        digest: images[key].digest,
        spec: 'platform-test.yml',
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs.failed).toBe('1');
      expect(run.error).toContain(`${check} (${message})`);
      expect(run.stdout).toContain('::group::Container log (last lines)');
      expect(run.stdout).toContain('licensing-service listening on port 8080');
      expect(run.events).toEqual(['create', 'start', 'destroy']);
      expect(run.left).toBe('');
    });
  }

  slotted('fails an image whose health never becomes ready (wrong env), with the container log', async () => {
    const run = await platformTest({
      layout: images.good.layout,
      digest: images.good.digest,
      spec: 'platform-test.yml',
      env: 'PORT=9090',
      'startup-timeout': '6s',
    });
    expect(run.exitCode).toBe(1);
    expect(run.error).toContain('the target becomes ready (not ready within 6 s (GET http://127.0.0.1:');
    // the example spec's two metadata checks still run (they need no answer from the app)
    expect(run.outputs).toMatchObject({ failed: '1', passed: '2', skipped: '5' });
    expect(run.stdout).toContain('licensing-service listening on port 9090');
    expect(run.left).toBe('');
  });

  slotted('masks secret-env values in the log, the container log and the JUnit report', async () => {
    const secret = 'jdbc:postgresql://app:hunter2-secret@db/ostock';
    const run = await platformTest({
      layout: images.good.layout,
      digest: images.good.digest,
      spec: 'platform-test.yml',
      env: 'LOG_LEVEL=LOUD',
      'secret-env': `DATABASE_URL=${secret}`,
      'startup-timeout': '20s',
    });
    expect(run.exitCode).toBe(1);
    expect(run.masks).toContain(secret);
    expect(run.error).toContain('exited with code 2');
    expect(run.stdout).toContain('LOG_LEVEL: got');
    // the runner never prints an ::add-mask:: line; every other line is checked
    const printed = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain('hunter2');
    expect(run.log).not.toContain('hunter2');
    expect(readFileSync(run.outputs['junit-path'] ?? '', 'utf8')).not.toContain('hunter2');
    expect(run.left).toBe('');
  });

  slotted('lets no line of the container log act as a workflow command', async () => {
    const run = await platformTest({
      layout: images.noisy.layout,
      digest: images.noisy.digest,
      spec: 'platform-test.yml',
      env: 'PORT=9090',
      // the injected lines come from the shell before it execs java: printed at once
      'startup-timeout': '2s',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('injected by the container');
    expect(run.annotations.map((a) => a.message).join('\n')).not.toContain('injected');
    expect(run.annotations.map((a) => a.message).join('\n')).not.toContain('old syntax');
    expect(run.masks).not.toContain('PORT');
    expect(run.stdout).not.toMatch(/^::error::injected/m);
    expect(run.stdout).not.toMatch(/^##\[error\]/m);
  });

  slotted('runs services on a user-defined network where the target reaches them by name', async () => {
    const spec = join(workspace, 'services.yml');
    writeFileSync(
      spec,
      [
        'target:',
        '  readiness:',
        '    http: /actuator/health',
        'services:',
        `  - name: peer`,
        `    image: ${docker('image', 'inspect', '--format', '{{.Id}}', `bakeline-platform-test/image:${images.good.digest.slice(7, 23)}`)}`,
        'checks:',
        '  - name: the peer service resolves on the network',
        '    command:',
        '      run: [getent, hosts, peer]',
        '  - name: health',
        '    http:',
        '      path: /actuator/health',
        '',
      ].join('\n'),
    );
    const run = await platformTest({ layout: images.good.layout, digest: images.good.digest, spec: 'services.yml' });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.passed).toBe('2');
    expect(run.events.filter((e) => e === 'create')).toHaveLength(2);
    expect(run.events.filter((e) => e === 'destroy')).toHaveLength(2);
    expect(run.left).toBe('');
    expect(run.networksLeft).toBe('');
  });

  slotted('pulls an image by digest from a registry and checks that it carries that digest', async () => {
    registry = await startDistribution();
    const image = await readLayoutImage(images.good.layout);
    await pushImage(new RegistryClient({ registry: registry.host }), image, { repository: 'ostock/licensing-service' });
    const reference = `${registry.host}/ostock/licensing-service@${images.good.digest}`;
    const run = await platformTest({ image: reference, spec: 'platform-test.yml' });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.log).toContain(`RepoDigests carry ${images.good.digest}`);
    expect(run.left).toBe('');
  });

  /** The good image on a port no probe looks at: the step waits for readiness until it is stopped. */
  const neverReady = () => ({
    layout: images.good.layout,
    digest: images.good.digest,
    spec: 'platform-test.yml',
    env: 'PORT=9090',
    'startup-timeout': '120s',
  });
  for (const [name, sigtermDelayMs] of [
    ['SIGINT', 8000],
    ['SIGINT then SIGTERM', 300],
  ] as const) {
    slotted(`leaves nothing behind when cancelled with ${name} while waiting for readiness`, async () => {
      // PORT=9090: the app listens where no probe looks, so the step waits for readiness right
      // after it logs the container it started; cancel then (not after a fixed 20 s)
      const cancel = new AbortController();
      const run = await platformTest(neverReady(), {
        signal: cancel.signal,
        sigtermDelayMs,
        onLine: (line) => {
          if (/started sha256:[0-9a-f]{64} as/.test(line)) cancel.abort();
        },
      });
      expect(run.cancelled).toBe(true);
      expect(run.exitCode).not.toBe(0);
      expect(run.log).toMatch(/started sha256:[0-9a-f]{64} as/); // cancelled with a container running
      expect(run.phases.map((p) => p.name)).toEqual(['main', 'post']);
      expect(run.events).toEqual(['create', 'start', 'destroy']);
      expect(run.left).toBe('');
    });
  }

  slotted('post removes what a killed main step left, by the IDs it saved', async () => {
    // killed (SIGKILL: no handler runs) once it has started the container and waits for readiness
    const kill = new AbortController();
    const run = await platformTest(neverReady(), {
      kill: kill.signal,
      onLine: (line) => {
        if (/started sha256:[0-9a-f]{64} as/.test(line)) kill.abort();
      },
    });
    expect(kill.signal.aborted, 'main was killed while it waited for readiness').toBe(true);
    expect(run.cancelled).toBe(false);
    expect(run.phases.map((p) => p.name)).toEqual(['main', 'post']);
    expect(run.phases[0]?.exitCode).not.toBe(0);
    expect(run.state.containers).toMatch(/^[0-9a-f]{64}$/);
    expect(run.stdout).toMatch(/post: removed 1 container\(s\) left by run/);
    expect(run.left).toBe('');
  });

  slotted('refuses a spec with a typo before any container starts, naming file, line and key', async () => {
    writeFileSync(
      join(workspace, 'typo.yml'),
      readFileSync(join(exampleDir, 'platform-test.yml'), 'utf8').replace('        headers:\n', '        header:\n'),
    );
    const run = await platformTest({ layout: images.good.layout, digest: images.good.digest, spec: 'typo.yml' });
    expect(run.exitCode).toBe(1);
    expect(run.error).toMatch(
      /^Input 'spec': .*typo\.yml:\d+:9: checks\[0\]\.http\.expect\.header: unknown key 'header'/,
    );
    expect(run.log).not.toContain('Verify sha256');
    expect(run.events).toEqual([]);
  });
});
