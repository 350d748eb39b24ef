import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import type { Descriptor, ImageManifest } from '../image-types.ts';
import type { LoadedImage } from '../layout/layout-read.ts';
import { MediaType } from '../media-types.ts';
import { blobsToPush, pushImage, pushResult } from './push-image.ts';
import { RegistryClient } from './registry-client.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const blob = (c: string, size: number): Descriptor => ({ mediaType: MediaType.OciLayerGzip, digest: digest(c), size });

describe('blobsToPush', () => {
  it('lists the config and the layers once each, largest first', () => {
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: digest('c'), size: 300 },
      layers: [blob('a', 10), blob('b', 5000), blob('a', 10), blob('d', 700)],
    };
    expect(blobsToPush(manifest).map((d) => [d.digest[7], d.size])).toEqual([
      ['b', 5000],
      ['d', 700],
      ['c', 300],
      ['a', 10],
    ]);
  });
});

describe('pushResult', () => {
  it('sorts the outcomes and counts only uploaded bytes', () => {
    const blobs = [blob('a', 100), blob('b', 20), blob('c', 3)];
    expect(pushResult(digest('f'), blobs, ['uploaded', 'mounted', 'skipped'])).toEqual({
      digest: digest('f'),
      pushedBytes: 100,
      uploadedBlobs: [digest('a')],
      mountedBlobs: [digest('b')],
      skippedBlobs: [digest('c')],
      tags: [],
    });
  });
});

describe('pushImage input', () => {
  // port 9 (discard) on loopback: any request would fail with a connection error, not these
  const client = new RegistryClient({ registry: '127.0.0.1:9', retry: { attempts: 1, baseDelayMs: 1 } });
  const image = { manifestBytes: new Uint8Array(), digest: digest('f') } as unknown as LoadedImage;

  it.each([0, 33, 1.5])('refuses concurrency %j before any request', async (concurrency) => {
    await expect(pushImage(client, image, { repository: 'team/app', concurrency })).rejects.toThrow(
      `push: concurrency '${concurrency}': expected an integer from 1 to 32`,
    );
  });

  it('refuses a mount source that is not a repository name before any request', async () => {
    await expect(pushImage(client, image, { repository: 'team/app', mountFrom: ['Bad/Name'] })).rejects.toThrow(
      "repository 'Bad/Name'",
    );
  });
});
