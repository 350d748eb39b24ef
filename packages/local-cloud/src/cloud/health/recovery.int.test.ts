// Real components: the CLI's serving process, the Distribution registry, Docker (the kubelet),
// kubectl. Each component of a CLI-started local cloud is killed in turn (the registry's process
// for real; the in-process servers through the admin endpoint's crash); `start` must name it,
// restart the cloud with what it held, and a push and a promotion must then pass.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildBusyboxImage } from '@bakeline/test-fixtures';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, pushImage, tinyImage } from '../../../test/tiny-image.ts';
import type { RunningCloud } from '../state-files.ts';

const CLI = new URL('../../cli.ts', import.meta.url).pathname;
const NAMESPACE = 'dev';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: readonly string[], input?: string, timeoutMs = 180_000): Promise<Result> {
  const r = await exec(command, args, { ...(input === undefined ? {} : { input }), timeoutMs });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

let stateDir: string;
// the example's repository, which terraform apply creates and its push role may push to
const REPO = 'ostock/licensing-service';
let cloud: RunningCloud;
const images: { ref: string; digest: string }[] = [];

async function start(): Promise<Result> {
  const r = await cli('start', '--state-dir', stateDir, '--pipeline-iam', 'terraform-snapshot');
  expect(r.code, r.stderr).toBe(0);
  cloud = JSON.parse(r.stdout) as RunningCloud;
  return r;
}

/** The whole chain a push takes: an OIDC token, STS, an ECR token, the front, the registry, the bucket. */
async function ecrClient(): Promise<ECRClient> {
  const grant = await fetch(`${cloud.oidc.requestUrl}&audience=sts.amazonaws.com`, {
    headers: { authorization: `Bearer ${cloud.oidc.requestToken}` },
  });
  const { value } = (await grant.json()) as { value: string };
  const sts = new STSClient({ region: cloud.region, endpoint: cloud.sts, maxAttempts: 1 });
  const assumed = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: cloud.roles['bakeline-ecr-push'],
      RoleSessionName: 'recovery',
      WebIdentityToken: value,
    }),
  );
  const c = assumed.Credentials;
  return new ECRClient({
    region: cloud.region,
    endpoint: cloud.ecr,
    maxAttempts: 1,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    },
  });
}

async function registryPassword(): Promise<string> {
  const out = await (await ecrClient()).send(new GetAuthorizationTokenCommand({}));
  return Buffer.from(out.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .replace(/^AWS:/, '');
}

async function push(seed: string): Promise<void> {
  const password = await registryPassword();
  const image = tinyImage(seed);
  const res = await pushImage(cloud.registry.url, REPO, image, seed, basicAuth(password));
  expect(res.status, await res.text()).toBe(201);
  const layer = image.layers[0];
  if (!layer) throw new Error('tiny image without a layer');
  // read back through the front (redirected to the layer bucket, as ECR redirects to S3)
  const blob = await fetch(`${cloud.registry.url}/v2/${REPO}/blobs/${layer.digest}`, {
    headers: { authorization: basicAuth(password) },
  });
  expect(blob.status).toBe(200);
  expect(
    `sha256:${createHash('sha256')
      .update(Buffer.from(await blob.arrayBuffer()))
      .digest('hex')}`,
  ).toBe(layer.digest);
}

function kubectl(args: readonly string[], input?: string): Promise<Result> {
  const kubeconfig = (cloud.kube as { kubeconfig: string }).kubeconfig;
  return run('kubectl', ['--kubeconfig', kubeconfig, '-n', NAMESPACE, ...args], input);
}

interface Pod {
  metadata: { deletionTimestamp?: string };
  status: { containerStatuses?: { imageID: string }[] };
}

async function promote(image: { ref: string; digest: string }): Promise<void> {
  const set = await kubectl(['set', 'image', 'deployment/recovery', `app=${image.ref}`]);
  expect(set.code, set.stderr).toBe(0);
  const status = await kubectl(['rollout', 'status', 'deployment/recovery', '--timeout=150s']);
  expect(status.code, `${status.stdout}${status.stderr}`).toBe(0);
  const pods = await kubectl(['get', 'pods', '-l', 'app=recovery', '-o', 'json']);
  const items = (JSON.parse(pods.stdout) as { items: Pod[] }).items.filter((p) => !p.metadata.deletionTimestamp);
  const imageIds = items.flatMap((p) => (p.status.containerStatuses ?? []).map((c) => c.imageID));
  expect(imageIds.length).toBeGreaterThan(0);
  for (const id of imageIds) expect(id).toBe(`docker-pullable://${image.ref}`);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'bakeline-recovery-'));
  await start();
  const password = await registryPassword();
  for (const version of ['1', '2']) {
    const built = await buildBusyboxImage({
      registry: cloud.registry.host,
      repository: REPO,
      tag: `v${version}`,
      files: { 'www/index.html': `version ${version}\n` },
      login: { username: 'AWS', password },
    });
    images.push({ ref: built.ref, digest: built.digest });
  }
  const first = images[0];
  if (!first) throw new Error('no image built');
  const manifest = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'recovery', namespace: NAMESPACE },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'recovery' } },
      template: {
        metadata: { labels: { app: 'recovery' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'app', image: first.ref, command: ['/bin/busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'] },
          ],
        },
      },
    },
  });
  const applied = await kubectl(['apply', '-f', '-'], manifest);
  expect(applied.code, applied.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  await cli('stop', '--state-dir', stateDir);
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

// the layer bucket and the ECR API are checked too; a run per component takes about a minute here
const IN_PROCESS = ['ecr-front', 'sts', 'oidc', 'kube-api', 'kubelet'] as const;

describe('a local cloud with a dead component', () => {
  it('restarts when its registry process was killed; the push and the promotion pass', async () => {
    const before = cloud;
    process.kill(before.pids.distribution, 'SIGKILL');
    const r = await start();
    expect(r.stderr).toContain(`registry (${before.distribution}): process ${before.pids.distribution} is not running`);
    expect(r.stderr).toContain('restarting it');
    expect(cloud.pid).not.toBe(before.pid);
    expect(cloud.registry.url).toBe(before.registry.url);
    await push('after-registry');
    await promote(images[1] as { ref: string; digest: string });
  }, 600_000);

  it.each(IN_PROCESS)(
    'restarts when %s stopped serving; the push and the promotion pass',
    async (component) => {
      const before = cloud;
      const crashed = await fetch(`${before.admin}/crash`, { method: 'POST', body: JSON.stringify({ component }) });
      expect(crashed.status, await crashed.text()).toBe(200);
      const r = await start();
      expect(r.stderr).toMatch(new RegExp(`\\n  ${component} \\(`));
      expect(r.stderr).toContain('restarting it');
      expect(cloud.pid).not.toBe(before.pid);
      await push(`after-${component}`);
      const next = images[IN_PROCESS.indexOf(component) % 2] as { ref: string; digest: string };
      await promote(next);
    },
    600_000,
  );

  it('says that every component answers when none is dead, and keeps the process', async () => {
    const before = cloud;
    const r = await start();
    expect(r.stderr).toContain(`local cloud already running (pid ${before.pid}); every component answers`);
    expect(readFileSync(join(stateDir, 'cloud-state.json'), 'utf8')).toContain(REPO);
  }, 120_000);
});
