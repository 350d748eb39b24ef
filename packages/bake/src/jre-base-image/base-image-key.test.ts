import { describe, expect, test } from 'vitest';
import { type BaseImageInputs, baseImageKey, ociArchitecture, shortKey } from './base-image-key.ts';

const inputs: BaseImageInputs = {
  suite: 'bookworm',
  variant: 'minbase',
  packages: ['openjdk-17-jre-headless', 'ca-certificates'],
  mirror: 'http://mirror.example/debian',
  debianArchitecture: 'amd64',
  codeVersion: 1,
};

describe('baseImageKey', () => {
  test('does not depend on the order of packages', () => {
    expect(baseImageKey({ ...inputs, packages: [...inputs.packages].reverse() })).toBe(baseImageKey(inputs));
  });

  test.each<[string, Partial<BaseImageInputs>]>([
    ['suite', { suite: 'trixie' }],
    ['packages', { packages: ['openjdk-21-jre-headless'] }],
    ['mirror', { mirror: 'http://other-mirror.example/debian' }],
    ['architecture', { debianArchitecture: 'arm64' }],
    ['code version', { codeVersion: 2 }],
  ])('changes with the %s', (_name, change) => {
    expect(baseImageKey({ ...inputs, ...change })).not.toBe(baseImageKey(inputs));
  });

  test('is 64 hex; the short key is its first 12', () => {
    const key = baseImageKey(inputs);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(shortKey(key)).toBe(key.slice(0, 12));
  });
});

describe('ociArchitecture', () => {
  test.each([
    ['amd64', { architecture: 'amd64' }],
    ['arm64', { architecture: 'arm64', variant: 'v8' }],
  ])('maps %s', (debian, oci) => {
    expect(ociArchitecture(debian)).toEqual(oci);
  });

  test('refuses an architecture it cannot name', () => {
    expect(() => ociArchitecture('mips64el')).toThrow(/unsupported Debian architecture 'mips64el'/);
  });
});
