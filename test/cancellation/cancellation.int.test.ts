// Cancellation at each step of each action, then a re-run (issue #12, "Suites to build" 3). The
// harness cancels as the runner does (SIGINT, then SIGTERM 7.5 s later, then `post:`), early (the
// step has just validated its inputs) and in the middle of its work (during Maven, during the
// docker build, while the container under test starts, during the blob uploads, during the
// rollout wait). After each cancellation nothing is left: no container or network labelled by
// bakeline, no temporary image tag, no new file under RUNNER_TEMP, TMPDIR or the workspace (the
// declared outputs aside), no process of the step. Then the same step, run again, completes with
// the result it would have had.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type HarnessOptions, type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kubectl, promoteOptions, pushOptions, SDE, SHA, startWorld, type World } from '../hostile/world.ts';
import { type Debris, leftBehind, NOTHING, readDebris } from './debris.ts';

let world: World;
let pushCloud: LocalCloud;
let dirs: { runnerTemp: string; tmp: string; toolCache: string; out: string };
const started = Date.now();

/**
 * Where to cancel. Early: a fixed time into main, just after the bundle has started and read its
 * inputs (about 0.5 s). In the middle of its work: as soon as main prints the line that opens the
 * phase meant (Maven's tests, a docker build step, the container started, the rollout wait), so the
 * cancellation lands in that phase however loaded the machine is, with no uncancelled run first to
 * time it.
 */
type CancelPoint = { afterMs: number } | { onLine: RegExp };
const EARLY: CancelPoint = { afterMs: 700 };
/** This suite's GITHUB_RUN_ID and, for the Dockerfile bake, GITHUB_SHA: its debris is told apart by them. */
const RUN_ID = `${process.pid}${Date.now() % 100000}`;
const REVISION = randomBytes(20).toString('hex');
const timings: string[] = [];

beforeAll(async () => {
  const settled = await Promise.allSettled([
    startWorld().then((w) => {
      world = w;
    }),
    // a registry with nothing in it, so an upload takes long enough to be cancelled in the middle
    startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' }).then((c) => {
      pushCloud = c;
    }),
  ]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  dirs = {
    runnerTemp: join(world.scratch, 'runner-temp'),
    tmp: join(world.scratch, 'tmp'),
    toolCache: join(world.scratch, 'tool-cache'),
    out: join(world.scratch, 'out'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  console.log(`cancellation: setup ${Date.now() - started} ms`);
}, 900_000);

afterAll(async () => {
  console.log(`cancellation: ${Date.now() - started} ms in all\n${timings.join('\n')}`);
  await pushCloud?.stop();
  await world?.stop();
  if (world?.scratch) rmSync(world.scratch, { recursive: true, force: true });
});

interface Step {
  action: string;
  options: () => HarnessOptions;
  /** files under these are the step's declared outputs, not debris */
  outputs?: (path: string) => boolean;
}

/**
 * docker-bake's declared output under its output-dir: the directory itself and the published run
 * directories (`bake-<12 hex of the digest>/`, renamed whole from a staging directory once the image
 * is complete: a cancel after that, during the SBOM, rightly leaves it). A staging directory left
 * behind is debris.
 */
function bakeOutput(outputDir: string, path: string): boolean {
  return path === outputDir || /^bake-[0-9a-f]{12}(\/|$)/.test(relative(outputDir, path));
}

function isHarnessDir(path: string): boolean {
  return path.startsWith(join(dirs.runnerTemp, 'bakeline-step-'));
}

async function debris(step: Step): Promise<Debris> {
  return readDebris(
    [world.workspace, dirs.runnerTemp, dirs.tmp, dirs.out],
    { runId: RUN_ID, revision: REVISION, scratch: world.scratch },
    (p) => isHarnessDir(p) || (step.outputs?.(p) ?? false),
  );
}

function clearHarnessDirs(): void {
  for (const name of readdirSync(dirs.runnerTemp)) {
    if (name.startsWith('bakeline-step-')) rmSync(join(dirs.runnerTemp, name), { recursive: true, force: true });
  }
}

function run(step: Step, extra: Partial<HarnessOptions> = {}): Promise<HarnessResult> {
  const base = step.options();
  return runBundledAction(step.action, {
    ...base,
    github: { runId: RUN_ID, ...(base.github ?? {}) },
    runnerTemp: dirs.runnerTemp,
    toolCache: dirs.toolCache,
    env: { ...(base.env ?? {}), TMPDIR: dirs.tmp },
    timeoutMs: 300_000,
    ...extra,
  });
}

/**
 * What the step left: read at once, and again every 200 ms while something is left, for a second
 * (the runner kills what is left 7.5 s after SIGINT; a step that handles SIGINT is gone well before).
 */
async function leftAfter(step: Step, before: Debris): Promise<ReturnType<typeof leftBehind>> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const left = leftBehind(before, await debris(step));
    if (JSON.stringify(left) === JSON.stringify(NOTHING) || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Cancels `step` at `point` of main; checks it stopped, had printed `reached` (the phase meant)
 * by then, and left nothing. Soft checks: a later point and the re-run still run and report.
 */
async function cancelAt(step: Step, point: CancelPoint, reached?: RegExp): Promise<HarnessResult> {
  const before = await debris(step);
  const t0 = Date.now();
  const cancel = new AbortController();
  const result = await run(
    step,
    'afterMs' in point
      ? { cancelAfterMs: point.afterMs }
      : {
          signal: cancel.signal,
          onLine: (line) => {
            if (point.onLine.test(line)) cancel.abort();
          },
        },
  );
  const when = 'afterMs' in point ? `at ${point.afterMs} ms` : `on ${point.onLine}`;
  timings.push(`  ${step.action} cancelled ${when}: stopped after ${Date.now() - t0} ms`);
  const left = await leftAfter(step, before);
  clearHarnessDirs();
  const at = `${step.action} cancelled ${when} into main`;
  expect.soft(result.cancelled, at).toBe(true);
  expect.soft(result.exitCode, `${at}: a cancelled step does not succeed`).not.toBe(0);
  if (reached) expect.soft(result.stdout, `${at}: the cancellation came in the phase meant`).toMatch(reached);
  expect.soft(left, `${at}: nothing is left behind`).toEqual(NOTHING);
  return result;
}

async function rerun(step: Step): Promise<HarnessResult> {
  const t0 = Date.now();
  const result = await run(step);
  timings.push(`  ${step.action} re-run: ${Date.now() - t0} ms`);
  clearHarnessDirs();
  expect(
    result.exitCode,
    `${result.annotations.find((a) => a.level === 'error')?.message}\n${result.stdout.slice(-3000)}`,
  ).toBe(0);
  return result;
}

describe('cancellation at each step of each action, then a re-run', () => {
  const maven: Step = {
    action: 'maven-build',
    options: () => ({
      workspace: world.workspace,
      inputs: { arguments: '-o', cache: 'false', 'source-date-epoch': SDE },
    }),
    // Maven's target/ is the build's product, rebuilt by the re-run
    outputs: (p) => p.startsWith(join(world.workspace, 'target')),
  };
  test('maven-build: early, during Maven; the re-run builds the JAR', async () => {
    await cancelAt(maven, EARLY);
    // while surefire's forked JVM runs the tests: Maven and a process it started
    await cancelAt(maven, { onLine: /T E S T S/ }, /::group::mvn [\s\S]*T E S T S/);
    const result = await rerun(maven);
    expect(result.outputs.artifact).toMatch(/licensing-service\.jar$/);
    expect(result.outputs['tests-failed']).toBe('0');
  });

  const jarBake: Step = {
    action: 'docker-bake',
    options: () => ({
      workspace: world.workspace,
      github: { sha: SHA, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
      inputs: {
        builder: 'jar',
        jar: 'target/*.jar',
        'image-name': 'licensing-service',
        'base-image': `oci:${world.base.layoutDir}`,
        'source-date-epoch': SDE,
        ports: '8080',
        'output-dir': join(dirs.out, 'jar'),
      },
    }),
    outputs: (p) => bakeOutput(join(dirs.out, 'jar'), p),
  };
  test('docker-bake (jar builder): early, while writing the layers; the re-run bakes the same digest', async () => {
    await cancelAt(jarBake, EARLY);
    // the application layer is made; the layout (the 130 MiB base layer with it) is being written
    await cancelAt(jarBake, { onLine: /^layer application: / }, /^layer application: /m);
    const result = await rerun(jarBake);
    expect(result.outputs.digest).toBe(world.image.digest);
  });

  const dockerfileBake: Step = {
    action: 'docker-bake',
    options: () => ({
      workspace: world.workspace,
      github: { sha: REVISION, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
      inputs: {
        builder: 'dockerfile',
        'image-name': 'licensing-service',
        'base-image': `oci:${world.base.layoutDir}`,
        'source-date-epoch': SDE,
        'no-cache': 'true',
        'output-dir': join(dirs.out, 'dockerfile'),
      },
    }),
    outputs: (p) => bakeOutput(join(dirs.out, 'dockerfile'), p),
  };
  let dockerfileDigest = '';
  test('docker-bake (dockerfile builder): during the docker build; the re-run bakes a digest', async () => {
    await cancelAt(dockerfileBake, EARLY);
    // a build step's container runs (classic builder), or a BuildKit step has begun
    await cancelAt(
      dockerfileBake,
      { onLine: /---> Running in |^#\d+ \[/ },
      /::group::docker (buildx build|build \(classic builder\)|save)/,
    );
    const result = await rerun(dockerfileBake);
    dockerfileDigest = result.outputs.digest ?? '';
    expect(dockerfileDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  const platform: Step = {
    action: 'platform-test',
    options: () => ({
      workspace: world.workspace,
      inputs: {
        archive: world.image.archive,
        digest: world.image.digest,
        spec: 'platform-test.yml',
        env: 'PORT=8080',
        'junit-path': 'platform-test.junit.xml',
      },
    }),
    outputs: (p) => p === join(world.workspace, 'platform-test.junit.xml'),
  };
  test('platform-test: early, while the container under test starts; the re-run passes', async () => {
    await cancelAt(platform, EARLY);
    // the container under test has started; the step waits for it to become ready
    await cancelAt(platform, { onLine: /^started sha256:[0-9a-f]{64} as / }, /::group::Verify[\s\S]*started sha256:/);
    const result = await rerun(platform);
    expect(result.outputs.failed).toBe('0');
  });

  const push: Step = {
    action: 'ecr-push',
    options: () =>
      pushOptions(
        { cloud: pushCloud, workspace: world.workspace },
        { archive: world.image.archive, digest: world.image.digest, tags: 'sha-0123abc', concurrency: '1' },
      ),
  };
  test('ecr-push: early, during the blob uploads; the re-run pushes the digest and tags it once', async () => {
    // uploading the 130 MiB base takes 3-8 s here
    await cancelAt(push, EARLY);
    // the small blobs (config, application layer) land first, while the base layer is on its way;
    // a fixed delay missed the push on a quiet machine, where all of it took under 2 s
    await cancelAt(push, { onLine: /: uploaded in / });
    const result = await rerun(push);
    expect(result.outputs.digest).toBe(world.image.digest);
    const repo = pushCloud.admin.ecr.getRepository('ostock/licensing-service');
    expect(Object.fromEntries(repo?.tags ?? [])).toEqual({ 'sha-0123abc': world.image.digest });
  });

  let target = '';
  const promote: Step = {
    action: 'eks-promote',
    options: () => {
      const options = promoteOptions(world, { image: target, timeout: '3m' });
      return { ...options, inputs: { ...options.inputs, 'rollback-on-failure': 'false' } };
    },
  };
  const runningImage = () =>
    kubectl(
      world,
      'get',
      'deployment/licensing-service',
      '-n',
      'dev',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
  test('eks-promote: early, during the rollout wait; the re-run completes the rollout', async () => {
    // another digest of the service (other JVM defaults): promoting the one not running is a rollout
    const bakeAndPushVariant = async () => {
      const variant = await runBundledAction('docker-bake', {
        ...jarBake.options(),
        inputs: {
          ...jarBake.options().inputs,
          'java-options': '-XX:MaxRAMPercentage=50',
          'output-dir': join(dirs.out, 'variant'),
        },
      });
      expect(variant.exitCode).toBe(0);
      const pushed = await runBundledAction(
        'ecr-push',
        pushOptions(world, {
          layout: variant.outputs['layout-path'] ?? '',
          digest: variant.outputs.digest ?? '',
          tags: 'sha-variant',
        }),
      );
      expect(pushed.exitCode).toBe(0);
      return pushed.outputs['image-uri'] ?? '';
    };
    // one replica, ready (a readiness probe on the JVM's health endpoint): a rollout waits for a
    // JVM; it starts while the variant is baked and pushed
    const scaleUp = async () => {
      await kubectl(world, 'scale', 'deployment/licensing-service', '-n', 'dev', '--replicas=1');
      await kubectl(world, 'rollout', 'status', 'deployment/licensing-service', '-n', 'dev', '--timeout=180s');
    };
    const [variantUri] = await Promise.all([bakeAndPushVariant(), scaleUp()]);
    const images = [world.image.uri, variantUri];
    const other = async () => ((await runningImage()) === images[0] ? images[1] : images[0]) ?? '';
    target = await other();
    await cancelAt(promote, EARLY);
    await kubectl(world, 'rollout', 'status', 'deployment/licensing-service', '-n', 'dev', '--timeout=180s');
    target = await other();
    await cancelAt(
      promote,
      { onLine: /Waiting for deployment "licensing-service" rollout to finish/ },
      /Waiting for deployment/,
    );
    const result = await rerun(promote);
    expect(result.outputs.digest).toBe(target.slice(target.indexOf('@') + 1));
    expect(await runningImage()).toBe(target);
  });
});
