import { describe, expect, test } from 'vitest';
import { parseBaseImageSource } from './resolve-base-image.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseBaseImageSource', () => {
  test.each<[string, string[], object]>([
    ['oci:/cache/base', [], { kind: 'layout', dir: '/cache/base' }],
    [`oci:/cache/base@${D}`, [], { kind: 'layout', dir: '/cache/base', digest: D }],
    ['/cache/base', ['/cache/base/oci-layout'], { kind: 'layout', dir: '/cache/base' }],
    [
      `registry.example/jre17@${D}`,
      [],
      {
        kind: 'registry',
        reference: expect.objectContaining({ registry: 'registry.example', repository: 'jre17', digest: D }),
      },
    ],
    [
      '127.0.0.1:5000/bakeline/jre17-base:abc',
      [],
      { kind: 'registry', reference: expect.objectContaining({ registry: '127.0.0.1:5000', tag: 'abc' }) },
    ],
  ])('%s', (value, existing, expected) => {
    expect(parseBaseImageSource(value, (p) => existing.includes(p))).toEqual(expected);
  });

  test('refuses a layout digest that is not 64 hex', () => {
    expect(() => parseBaseImageSource('oci:/x@sha256:abc', () => false)).toThrow(/64 lowercase hex/);
  });
});
