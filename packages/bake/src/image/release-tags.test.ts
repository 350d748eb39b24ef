import { describe, expect, test } from 'vitest';
import { checkUserTag, imageTags, releaseVersion, shaTag } from './release-tags.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('imageTags', () => {
  test.each<[string, string[], string | undefined, string[]]>([
    ['a branch build gets sha-<short> only', [], 'refs/heads/main', ['sha-0123456']],
    ['a release tag adds its version without the v', [], 'refs/tags/v1.4.2', ['sha-0123456', '1.4.2']],
    ['a pre-release keeps its suffix', [], 'refs/tags/v2.0.0-rc.1', ['sha-0123456', '2.0.0-rc.1']],
    ['a SNAPSHOT tag is not a release', [], 'refs/tags/v1.0.0-SNAPSHOT', ['sha-0123456']],
    ['a tag that is not vX.Y.Z is not a release', [], 'refs/tags/release-7', ['sha-0123456']],
    [
      'user tags come first, duplicates removed',
      ['stable-2026', 'sha-0123456'],
      undefined,
      ['stable-2026', 'sha-0123456'],
    ],
  ])('%s', (_name, user, ref, expected) => {
    expect(imageTags(user, SHA, ref)).toEqual(expected);
  });
});

describe('checkUserTag', () => {
  test.each([
    ['latest', /'latest' is refused: ECR tags are immutable/],
    ['LATEST', /'latest' is refused/],
    ['v1:2', /outside \[A-Za-z0-9._-\]/],
    ['feature/x', /outside/],
    ['-dash-first', /expected a tag matching/],
    ['a'.repeat(129), /it has 129 characters/],
  ])('refuses %s', (tag, message) => {
    expect(() => checkUserTag(tag)).toThrow(message);
  });

  test.each(['1.0.0', 'build_42', 'A'.repeat(128)])('accepts %s', (tag) => {
    expect(() => checkUserTag(tag)).not.toThrow();
  });
});

describe('releaseVersion and shaTag', () => {
  test('no ref, no version', () => {
    expect(releaseVersion(undefined)).toBeUndefined();
  });
  test('a short or uppercase sha is refused', () => {
    expect(() => shaTag('0123abc')).toThrow(/40-hex/);
    expect(() => shaTag(SHA.toUpperCase())).toThrow(/40-hex/);
  });
});
