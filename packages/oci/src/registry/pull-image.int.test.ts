// Integration: pullImage and getImageConfig against the real Distribution registry, directly and
// through a proxy that counts and corrupts: the manifest and the config only, bounded, verified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Distribution, startDistribution } from '@bakeline/local-cloud';
import { execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryProxy, startRegistryProxy } from '../../test/registry-proxy.ts';
import { finishTestImage, testImages } from '../../test/test-images.ts';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import { writeDeterministicLayer } from '../layer/deterministic-layer.ts';
import type { LoadedImage } from '../layout/layout-read.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { MediaType } from '../media-types.ts';
import { parseReference } from '../reference.ts';
import { MAX_METADATA_BYTES } from './bounded-body.ts';
import { getImageConfig, pullImage } from './pull-image.ts';
import { pushImage } from './push-image.ts';
import { RegistryClient } from './registry-client.ts';

const REVISION = 'org.opencontainers.image.revision';
const work = mkdtempSync(join(tmpdir(), 'oci-image-config-'));
let reg: Distribution;
let counter = 0;
const { makeImage } = testImages(work);
const proxies: RegistryProxy[] = [];

beforeAll(async () => {
  reg = await startDistribution({});
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.stop();
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** An image of one 200 KiB layer whose config carries `labels`. */
async function labelledImage(labels: Record<string, string>): Promise<LoadedImage> {
  const dir = join(work, `layout-${++counter}`);
  const writer = await LayoutWriter.create(dir);
  const layer = await writeDeterministicLayer(
    [{ path: 'app.bin', type: 'file', mode: 0o644, data: Buffer.alloc(200 * 1024, counter) }],
    { sourceDateEpoch: 1_700_000_000, directory: dir },
  );
  const layerDescriptor = await writer.addBlobFile(layer.path, MediaType.OciLayerGzip, layer.compressed);
  return finishTestImage(writer, [layerDescriptor], [layer.diffId], labels);
}

async function proxied(rules: Parameters<typeof startRegistryProxy>[1] = {}) {
  const proxy = await startRegistryProxy(reg.port, rules);
  proxies.push(proxy);
  return { proxy, client: new RegistryClient({ registry: proxy.host, retry: { attempts: 2, baseDelayMs: 10 } }) };
}

describe('RegistryClient.getImageConfig', () => {
  it('reads the config labels with one manifest GET and one config GET, and never a layer', async () => {
    const sha = 'a'.repeat(40);
    const image = await labelledImage({ [REVISION]: sha });
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'config/labels' });
    const { client, proxy } = await proxied();
    const fetched = await getImageConfig(client, parseReference(`${proxy.host}/config/labels@${image.digest}`));
    expect(fetched.digest).toBe(image.digest);
    expect(fetched.configDigest).toBe(image.manifest.config.digest);
    expect(fetched.config.config?.Labels?.[REVISION]).toBe(sha);
    const gets = proxy.log.filter((line) => line.startsWith('GET /v2/config/'));
    expect(gets).toEqual([
      `GET /v2/config/labels/manifests/${image.digest}`,
      `GET /v2/config/labels/blobs/${image.manifest.config.digest}`,
    ]);
  });

  it('refuses config bytes that do not hash to the digest the manifest names', async () => {
    const image = await labelledImage({ [REVISION]: 'b'.repeat(40) });
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'config/corrupt' });
    const { client, proxy } = await proxied({
      response: (req, res) => {
        if (!req.path.includes(`/blobs/${image.manifest.config.digest}`)) return res;
        const body = Buffer.from(res.body.toString('utf8').replace('b'.repeat(40), 'c'.repeat(40)));
        return { ...res, body };
      },
    });
    const error = await getImageConfig(client, parseReference(`${proxy.host}/config/corrupt@${image.digest}`)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(String(error)).toContain(`received bytes: expected ${image.manifest.config.digest}`);
  });

  it('refuses a manifest body over 4 MiB without reading it all', async () => {
    const image = await labelledImage({});
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'config/huge-manifest' });
    const { client, proxy } = await proxied({
      response: (req, res) =>
        req.path.includes('/manifests/') ? { ...res, body: Buffer.alloc(MAX_METADATA_BYTES + 1, 0x20) } : res,
    });
    const error = await getImageConfig(
      client,
      parseReference(`${proxy.host}/config/huge-manifest@${image.digest}`),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/manifest .*config\/huge-manifest.*: the body is larger than 4194304 bytes; refused/);
  });

  it('refuses a config the manifest declares over 4 MiB before asking for it', async () => {
    const image = await labelledImage({ filler: 'x'.repeat(MAX_METADATA_BYTES) });
    expect(image.manifest.config.size).toBeGreaterThan(MAX_METADATA_BYTES);
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'config/huge-config' });
    const { client, proxy } = await proxied();
    const error = await getImageConfig(
      client,
      parseReference(`${proxy.host}/config/huge-config@${image.digest}`),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/the manifest gives it \d+ bytes, over 4194304; refused/);
    expect(proxy.log.filter((line) => line.includes('/blobs/'))).toEqual([]);
  });

  it('refuses a config body longer than the size the manifest gives', async () => {
    const image = await labelledImage({ [REVISION]: 'd'.repeat(40) });
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'config/longer' });
    const { client, proxy } = await proxied({
      response: (req, res) =>
        req.path.includes('/blobs/') ? { ...res, body: Buffer.concat([res.body, Buffer.from('   ')]) } : res,
    });
    const error = await getImageConfig(client, parseReference(`${proxy.host}/config/longer@${image.digest}`)).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(
      /config sha256:[0-9a-f]+ of .*config\/longer: the body is larger than \d+ bytes; refused/,
    );
  });
});

describe('pullImage', () => {
  it('interoperates with skopeo copy in both directions', async () => {
    const image = await makeImage('base-4', 'app 4');
    await execChecked('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${image.layoutDir}`,
      `docker://${reg.host}/skopeo/app:v1`,
    ]);
    const client = new RegistryClient({ registry: reg.host });
    expect(await client.resolveDigest('skopeo/app', 'v1')).toBe(image.digest);
    const pulled = await pullImage(client, parseReference(`${reg.host}/skopeo/app:v1`), join(work, 'pulled-skopeo'));
    expect(pulled.digest).toBe(image.digest);
    await execChecked('skopeo', ['inspect', `oci:${join(work, 'pulled-skopeo')}`]);
  });

  it('fails a pull whose blob bytes were corrupted, and one whose manifest digest header lies', async () => {
    const image = await makeImage('fault-3', 'app');
    await pushImage(new RegistryClient({ registry: reg.host }), image, { repository: 'fault/pull', tags: ['v1'] });
    const { client, proxy } = await proxied({
      response: (req, res) => {
        if (req.method === 'GET' && req.path.includes('/blobs/') && res.body.length > 1000) {
          const body = Buffer.from(res.body);
          body[100] = (body[100] ?? 0) ^ 1;
          return { ...res, body };
        }
        return res;
      },
    });
    const corrupt = await pullImage(
      client,
      parseReference(`${proxy.host}/fault/pull:v1`),
      join(work, 'pull-corrupt'),
    ).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(DigestMismatchError);
    expect(String(corrupt)).toMatch(/received bytes: expected sha256:[0-9a-f]{64}, got sha256:/);

    proxy.rules.response = (req, res) =>
      req.path.includes('/manifests/')
        ? { ...res, headers: { ...res.headers, 'docker-content-digest': `sha256:${'1'.repeat(64)}` } }
        : res;
    const lying = await pullImage(client, parseReference(`${proxy.host}/fault/pull:v1`), join(work, 'pull-liar')).catch(
      (e: unknown) => e,
    );
    expect(lying).toBeInstanceOf(DigestMismatchError);
  });
});
