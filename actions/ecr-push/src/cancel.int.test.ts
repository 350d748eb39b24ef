// Cancelling ecr-push as the runner does (SIGINT, then SIGTERM 7.5 s later) while it uploads, run
// through the harness against the local cloud: the registry is reached through a proxy on
// 127.0.0.1 that slows blob uploads down, so the SIGINT lands mid-upload. The step must stop
// before the SIGTERM (the in-flight requests aborted), exit 1 with a line saying it was cancelled
// and that a re-run is safe, leave no scratch directory in the runner's temp and no tag; a re-run
// then pushes the same digest and the tag names it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type Digest, LayoutWriter, MediaType, packLayout, sha256Digest } from '@bakeline/oci';
import { type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// the example's repository, which terraform apply creates and its push role may push to
const REPO = 'ostock/licensing-service';
const CANCEL_AFTER_MS = 8000;
const SIGTERM_AFTER_MS = 7500;

let cloud: LocalCloud;
let workspace: string;
let archive: string;
let digest: Digest;
let proxy: { host: string; server: Server; throttle: boolean; uploadsStarted: number; manifestPuts: number };

/** Passes a body on at about `bytesPerSecond`. */
function throttled(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      setTimeout(() => done(null, chunk), (chunk.length * 1000) / bytesPerSecond);
    },
  });
}

async function startProxy(): Promise<typeof proxy> {
  const upstream = new URL(cloud.endpoints.registry.url);
  const state = {
    host: '',
    server: undefined as unknown as Server,
    throttle: true,
    uploadsStarted: 0,
    manifestPuts: 0,
  };
  state.server = createServer((req: IncomingMessage, res) => {
    const path = req.url ?? '/';
    const upload = (req.method === 'PUT' || req.method === 'PATCH') && path.includes('/blobs/uploads/');
    if (upload) state.uploadsStarted++;
    if (req.method === 'PUT' && path.includes('/manifests/')) state.manifestPuts++;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (typeof headers.location === 'string') {
          headers.location = headers.location.replace(`http://${upstream.host}`, `http://${state.host}`);
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.on('error', () => out.destroy());
    const body = upload && state.throttle ? [req, throttled(128 * 1024), out] : [req, out];
    pipeline(body as [IncomingMessage, ...Transform[]]).catch(() => out.destroy());
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.host = `127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  return state;
}

function push(runnerTemp: string, cancelAfterMs?: number): Promise<HarnessResult> {
  return runBundledAction('ecr-push', {
    workspace,
    runnerTemp,
    github: { repository: cloud.endpoints.githubRepository },
    inputs: {
      archive,
      digest,
      repository: REPO,
      tags: 'v1',
      registry: proxy.host,
      region: cloud.endpoints.region,
      'role-to-assume': cloud.endpoints.roles['bakeline-ecr-push'] ?? '',
      'ecr-endpoint': cloud.endpoints.ecr,
      'sts-endpoint': cloud.endpoints.sts,
      concurrency: '2',
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: cloud.endpoints.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: cloud.endpoints.oidc.requestToken,
    },
    timeoutMs: 120_000,
    ...(cancelAfterMs !== undefined ? { cancelAfterMs } : {}),
  });
}

const leftovers = (dir: string) => readdirSync(dir).filter((name) => !name.startsWith('bakeline-step-'));

beforeAll(async () => {
  cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  workspace = mkdtempSync(join(tmpdir(), 'bakeline-ecr-push-cancel-'));
  const layout = join(workspace, 'layout');
  const writer = await LayoutWriter.create(layout);
  // incompressible bytes: 8 MiB take about a minute through the slowed proxy
  const layers = [];
  for (let i = 0; i < 2; i++) layers.push(await writer.writeBlob(randomBytes(4 * 1024 * 1024), MediaType.OciLayerGzip));
  const config = await writer.writeJson(
    {
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256Digest(l.digest)) },
    },
    MediaType.OciConfig,
  );
  digest = (await writer.writeManifest({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers })).digest;
  archive = join(workspace, 'image.tar');
  await packLayout(layout, archive);
  proxy = await startProxy();
}, 120_000);

afterAll(async () => {
  proxy?.server.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.server.close(() => resolve()) : resolve()));
  await cloud?.stop();
});

describe('ecr-push cancelled mid-push', () => {
  test('stops on SIGINT, says a re-run is safe, leaves no scratch and no tag; the re-run lands the same digest', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'bakeline-ecr-push-cancel-temp-'));
    const cancelled = await push(runnerTemp, CANCEL_AFTER_MS);
    const main = cancelled.phases.find((p) => p.name === 'main');
    const error = cancelled.annotations.find((a) => a.level === 'error')?.message ?? '';
    console.log(`cancelled run: main ended after ${main?.durationMs} ms (SIGINT at ${CANCEL_AFTER_MS} ms)`);
    expect(cancelled.cancelled).toBe(true);
    expect(proxy.uploadsStarted).toBeGreaterThan(0); // the SIGINT came mid-upload
    expect(proxy.manifestPuts).toBe(0);
    expect(cancelled.exitCode, `${error}\n${cancelled.stdout}`).toBe(1);
    expect(error).toMatch(
      /^ecr-push was cancelled \(SIGINT\): it stopped and removed its scratch files; re-running the job is safe: pushes are idempotent/,
    );
    // ended on the SIGINT, before the SIGTERM: the in-flight uploads were aborted
    expect(main?.durationMs).toBeLessThan(CANCEL_AFTER_MS + SIGTERM_AFTER_MS);
    expect(leftovers(runnerTemp)).toEqual([]);
    expect(cloud.admin.ecr.getRepository(REPO)?.images.size ?? 0).toBe(0);
    expect(Object.fromEntries(cloud.admin.ecr.getRepository(REPO)?.tags ?? [])).toEqual({});

    proxy.throttle = false;
    const rerunTemp = mkdtempSync(join(tmpdir(), 'bakeline-ecr-push-cancel-temp-'));
    const rerun = await push(rerunTemp);
    expect(rerun.exitCode, rerun.annotations.map((a) => a.message).join('\n')).toBe(0);
    expect(rerun.outputs.digest).toBe(digest);
    expect(Object.fromEntries(cloud.admin.ecr.getRepository(REPO)?.tags ?? [])).toEqual({ v1: digest });
    expect(leftovers(rerunTemp)).toEqual([]);
  }, 240_000);
});
