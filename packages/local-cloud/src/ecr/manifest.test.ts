import { describe, expect, it, test } from 'vitest';
import { ManifestRejectedError, MEDIA_TYPES, parseManifest, sha256Digest } from './manifest.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('a'), size: 100 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 200 },
  ],
  ...extra,
});
const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));

describe('parseManifest', () => {
  it('reads an image manifest: digest, media types, referenced blobs, size', () => {
    const b = bytes(image({ mediaType: MEDIA_TYPES.ociManifest }));
    expect(parseManifest(b)).toEqual({
      digest: sha256Digest(b),
      mediaType: MEDIA_TYPES.ociManifest,
      kind: 'image',
      configMediaType: 'application/vnd.oci.image.config.v1+json',
      blobs: [d('c'), d('a'), d('b')],
      size: 310,
      manifests: [],
    });
  });

  it('reads an index and its child manifests', () => {
    const b = bytes({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: d('e'), size: 5 }],
    });
    expect(parseManifest(b)).toMatchObject({ kind: 'index', manifests: [d('e')], blobs: [] });
  });

  it("refuses an OCI manifest without top-level mediaType with ECR's 'Invalid JSON syntax'", () => {
    const error = (() => {
      try {
        parseManifest(bytes(image()));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ManifestRejectedError);
    expect(error).toMatchObject({
      reason: 'media-type',
      message: "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    });
  });

  it('takes the PutImage imageManifestMediaType in place of a missing mediaType', () => {
    expect(parseManifest(bytes(image()), MEDIA_TYPES.ociManifest).mediaType).toBe(MEDIA_TYPES.ociManifest);
  });

  test.each([
    ['text that is no JSON', Buffer.from('{'), 'syntax'],
    ['schema version 1', bytes({ schemaVersion: 1, mediaType: MEDIA_TYPES.dockerManifest }), 'unsupported'],
    ['an unknown media type', bytes(image({ mediaType: 'application/json' })), 'unsupported'],
    ['a layer without digest', bytes(image({ mediaType: MEDIA_TYPES.ociManifest, layers: [{ size: 1 }] })), 'syntax'],
  ])('refuses %s', (_name, input, reason) => {
    expect(() => parseManifest(input)).toThrow(ManifestRejectedError);
    try {
      parseManifest(input);
    } catch (e) {
      expect((e as ManifestRejectedError).reason).toBe(reason);
    }
  });
});
