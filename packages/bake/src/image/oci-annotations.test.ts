import { describe, expect, test } from 'vitest';
import { epochToIso, ociAnnotations } from './oci-annotations.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('ociAnnotations', () => {
  test('fills revision, source, created from SOURCE_DATE_EPOCH, version and title', () => {
    expect(
      ociAnnotations(
        { sha: SHA, ref: 'refs/tags/v1.2.3', sourceUrl: 'https://github.com/acme/licensing' },
        { imageName: '127.0.0.1:5000/team/licensing-service', sourceDateEpoch: 1_700_000_000 },
      ),
    ).toEqual({
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/acme/licensing',
      'org.opencontainers.image.title': 'licensing-service',
      'org.opencontainers.image.version': '1.2.3',
    });
  });

  test('outside a release the version is the sha tag', () => {
    const annotations = ociAnnotations({ sha: SHA, ref: 'refs/heads/main' }, { imageName: 'svc', sourceDateEpoch: 0 });
    expect(annotations['org.opencontainers.image.version']).toBe('sha-0123456');
    expect(annotations['org.opencontainers.image.created']).toBe('1970-01-01T00:00:00Z');
    expect(annotations).not.toHaveProperty('org.opencontainers.image.source');
  });

  test('epochToIso keeps whole seconds', () => {
    expect(epochToIso(1)).toBe('1970-01-01T00:00:01Z');
  });
});
