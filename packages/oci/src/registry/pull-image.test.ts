import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest.ts';
import type { ImageIndex } from '../image-types.ts';
import { MediaType } from '../media-types.ts';
import { parseReference } from '../reference.ts';
import { platformManifest, pullImage } from './pull-image.ts';
import { RegistryClient } from './registry-client.ts';

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const index: ImageIndex = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    {
      mediaType: MediaType.OciManifest,
      digest: digest('a'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    {
      mediaType: MediaType.OciManifest,
      digest: digest('b'),
      size: 1,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    { mediaType: MediaType.OciManifest, digest: digest('c'), size: 1 },
  ],
};

describe('platformManifest', () => {
  it('chooses linux/amd64 by default', () => {
    expect(platformManifest(index)?.digest).toBe(digest('b'));
  });

  it('matches a variant only when one is asked for', () => {
    expect(platformManifest(index, { os: 'linux', architecture: 'arm64' })?.digest).toBe(digest('a'));
    expect(platformManifest(index, { os: 'linux', architecture: 'arm64', variant: 'v8' })?.digest).toBe(digest('a'));
    expect(platformManifest(index, { os: 'linux', architecture: 'arm64', variant: 'v7' })).toBeUndefined();
  });

  it('finds nothing for a platform the index lacks', () => {
    expect(platformManifest(index, { os: 'windows', architecture: 'amd64' })).toBeUndefined();
  });
});

describe('pullImage input', () => {
  const client = new RegistryClient({ registry: '127.0.0.1:9', retry: { attempts: 1, baseDelayMs: 1 } });

  it('refuses a reference to another registry than the client talks to', async () => {
    await expect(pullImage(client, parseReference('127.0.0.1:5000/team/app:v1'), '/nonexistent')).rejects.toThrow(
      'pull 127.0.0.1:5000/team/app:v1: this client talks to 127.0.0.1:9',
    );
  });

  it('refuses concurrency 0 before any request', async () => {
    await expect(
      pullImage(client, parseReference('127.0.0.1:9/team/app:v1'), '/nonexistent', { concurrency: 0 }),
    ).rejects.toThrow("pull: concurrency '0': expected an integer from 1 to 32");
  });
});
