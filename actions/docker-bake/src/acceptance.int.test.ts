// Acceptance of docker-bake, as the pipeline runs it: two separate clean checkouts of the same
// commit of the example service, maven-build then docker-bake in each (jar and dockerfile
// builders) -> the same digest; one byte changed in the JAR -> another digest, only the
// application layer differs; skopeo accepts the layout and pushes it to a real registry; docker
// pulls it by digest, the image ID equals config-digest, and the service answers /actuator/health.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BaseImage, ensureBaseImage } from '@bakeline/bake';
import { type Distribution, startDistribution } from '@bakeline/local-cloud';
import { readLayoutImage } from '@bakeline/oci';
import { type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { CHECKOUT_COMMIT_DATE, type CleanCheckouts, cleanCheckouts, mavenPackageEach } from '@bakeline/test-fixtures';
import { consoleLogger, execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const sha256File = (path: string | undefined) =>
  createHash('sha256')
    .update(readFileSync(path ?? ''))
    .digest('hex');
let base: BaseImage;
let registry: Distribution;
let sha: string;
let checkouts: CleanCheckouts | undefined;
let clones: string[] = [];
let jars: string[] = [];
const containers: string[] = [];

const github = () => ({ sha, ref: 'refs/heads/main', repository: 'acme/licensing-service' });

async function bake(workspace: string, inputs: Record<string, string>): Promise<HarnessResult> {
  const result = await runBundledAction('docker-bake', {
    workspace,
    github: github(),
    inputs: { 'image-name': 'licensing-service', 'base-image': `oci:${base.layoutDir}`, ...inputs },
    timeoutMs: 600_000,
  });
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

beforeAll(async () => {
  base = await ensureBaseImage({ logger: consoleLogger });
  registry = await startDistribution();
  // a repository holding the example service at one commit; two clones of it are two clean checkouts
  checkouts = cleanCheckouts({
    source: join(repoRoot, 'examples', 'licensing-service'),
    name: 'licensing-service',
    count: 2,
    prefix: 'bakeline-',
  });
  ({ sha, clones } = checkouts);
  jars = await mavenPackageEach(clones, github());
  expect(sha256File(jars[0])).toBe(sha256File(jars[1]));
});

afterAll(async () => {
  for (const id of containers) await execChecked('docker', ['rm', '--force', id]).catch(() => undefined);
  await registry?.stop();
  checkouts?.remove();
});

async function pullAndRun(layoutDir: string, digest: string, configDigest: string, repository: string): Promise<void> {
  const inspected = JSON.parse((await execChecked('skopeo', ['inspect', `oci:${layoutDir}`])).stdout) as {
    Digest: string;
  };
  expect(inspected.Digest).toBe(digest);
  await execChecked('skopeo', [
    'copy',
    '--quiet',
    '--dest-tls-verify=false',
    `oci:${layoutDir}`,
    `docker://${registry.host}/${repository}:sha-${sha.slice(0, 7)}`,
  ]);
  const pinned = `${registry.host}/${repository}@${digest}`;
  await execChecked('docker', ['pull', '--quiet', pinned]);
  const id = (await execChecked('docker', ['image', 'inspect', '--format', '{{.Id}}', pinned])).stdout.trim();
  expect(id).toBe(configDigest);
  const container = (
    await execChecked('docker', ['run', '--detach', '--publish', '127.0.0.1::8080', pinned])
  ).stdout.trim();
  containers.push(container);
  const port = (await execChecked('docker', ['port', container, '8080/tcp'])).stdout
    .trim()
    .split('\n')[0]
    ?.split(':')
    .pop();
  const deadline = Date.now() + 60_000;
  let last = '';
  for (let attempt = 0; attempt < 120 && Date.now() < deadline; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/actuator/health`, { signal: AbortSignal.timeout(2000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) break;
    } catch (error: unknown) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const logs = await execChecked('docker', ['logs', container]).catch(() => undefined);
  expect(last, logs?.stdout ?? '').toMatch(/^200 .*"status"\s*:\s*"UP"/);
  const user = (await execChecked('docker', ['exec', container, 'id', '-u'])).stdout.trim();
  expect(user).toBe('10001');
}

describe('docker-bake acceptance', () => {
  test('jar builder: two clean checkouts give the same digest; pushed, pulled by digest, it runs and is healthy', async () => {
    const runs = [];
    for (const [i, clone] of clones.entries()) {
      runs.push(
        await bake(clone, {
          builder: 'jar',
          jar: 'target/*.jar',
          ports: '8080',
          'output-dir': join(clone, '..', `out-jar-${i}`),
        }),
      );
    }
    const [a, b] = runs as [HarnessResult, HarnessResult];
    expect(a.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.outputs.digest).toBe(a.outputs.digest);
    expect(b.outputs['config-digest']).toBe(a.outputs['config-digest']);
    expect(sha256File(b.outputs['archive-path'])).toBe(sha256File(a.outputs['archive-path']));
    expect(a.outputs.image).toBe(`licensing-service@${a.outputs.digest}`);
    expect(a.outputs.tags).toBe(`sha-${sha.slice(0, 7)}`);
    expect(a.summary).toContain(a.outputs.digest);
    const image = await readLayoutImage(a.outputs['layout-path'] ?? '');
    expect(image.manifest.annotations?.['org.opencontainers.image.created']).toBe(
      CHECKOUT_COMMIT_DATE.replace('.000', ''),
    );
    expect(image.manifest.annotations?.['org.opencontainers.image.revision']).toBe(sha);
    await pullAndRun(
      a.outputs['layout-path'] ?? '',
      a.outputs.digest ?? '',
      a.outputs['config-digest'] ?? '',
      'licensing-service-jar',
    );
  });

  test('jar builder: one byte changed in the JAR gives another digest, and only the application layer differs', async () => {
    const clone = clones[0] ?? '';
    const original = await bake(clone, {
      builder: 'jar',
      jar: 'target/*.jar',
      ports: '8080',
      'output-dir': join(clone, '..', 'out-orig'),
    });
    const changedDir = join(clone, 'changed');
    execFileSync('mkdir', ['-p', changedDir]);
    const bytes = readFileSync(jars[0] ?? '');
    // one byte of a class file's compressed data (the first occurrence of its name is its local header)
    const header = bytes.indexOf(Buffer.from('com/optimagrowth/license/Config.class')) - 30;
    expect(bytes.readUInt32LE(header)).toBe(0x04034b50);
    const at = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28) + 5;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(join(changedDir, 'licensing-service.jar'), bytes);
    const changed = await bake(clone, {
      builder: 'jar',
      jar: 'changed/licensing-service.jar',
      ports: '8080',
      'output-dir': join(clone, '..', 'out-changed'),
    });
    rmSync(changedDir, { recursive: true, force: true });
    expect(changed.outputs.digest).not.toBe(original.outputs.digest);
    const before = await readLayoutImage(original.outputs['layout-path'] ?? '');
    const after = await readLayoutImage(changed.outputs['layout-path'] ?? '');
    expect(after.manifest.layers.length).toBe(before.manifest.layers.length);
    const differs = before.manifest.layers.map((l, i) => l.digest !== after.manifest.layers[i]?.digest);
    expect(differs).toEqual([...before.manifest.layers.slice(0, -1).map(() => false), true]);
  });

  test('dockerfile builder: two clean checkouts give the same digest; pushed, pulled by digest, it runs and is healthy', async () => {
    const runs = [];
    for (const [i, clone] of clones.entries()) {
      runs.push(
        await bake(clone, {
          builder: 'dockerfile',
          'no-cache': 'true',
          'output-dir': join(clone, '..', `out-docker-${i}`),
        }),
      );
    }
    const [a, b] = runs as [HarnessResult, HarnessResult];
    expect(b.outputs.digest).toBe(a.outputs.digest);
    expect(b.outputs['config-digest']).toBe(a.outputs['config-digest']);
    expect(a.stdout).toMatch(/classic image store .*image ID = config-digest/);
    // the base image's compressed layers are taken as they are (same diffID), not compressed again
    const baseImage = await readLayoutImage(base.layoutDir, { digest: base.digest });
    const built = await readLayoutImage(a.outputs['layout-path'] ?? '');
    const baseLayers = baseImage.manifest.layers.map((l) => l.digest);
    expect(built.manifest.layers.slice(0, baseLayers.length).map((l) => l.digest)).toEqual(baseLayers);
    expect(built.config.rootfs.diff_ids.slice(0, baseLayers.length)).toEqual(baseImage.config.rootfs.diff_ids);
    expect(a.stdout).toMatch(/layer 1\/\d+: the base image's layer sha256:[0-9a-f]{64} \(.*gzip\) reused, same diffID/);
    expect(a.stdout).not.toMatch(/layer 1\/\d+: .* re-packed/);
    await pullAndRun(
      a.outputs['layout-path'] ?? '',
      a.outputs.digest ?? '',
      a.outputs['config-digest'] ?? '',
      'licensing-service-docker',
    );
  });
});
