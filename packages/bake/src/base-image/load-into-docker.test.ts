import { describe, expect, test } from 'vitest';
import { onlyLinkCountChanges } from './load-into-docker.ts';

describe('onlyLinkCountChanges', () => {
  test.each([
    [1, 'tar: blobs/sha256/3b42: file changed as we read it\n', true],
    [1, 'tar: blobs/sha256/3b42: file changed as we read it\ntar: blobs/sha256/9f34: file changed as we read it', true],
    [1, 'tar: blobs/sha256/3b42: file changed as we read it\ntar: blobs/sha256/9f34: Cannot open: No such file', false],
    [2, 'tar: blobs/sha256/3b42: file changed as we read it', false],
    [1, '', false],
    [0, '', false],
  ])('tar exit %i with %j is tolerated: %s', (code, stderr, expected) => {
    expect(onlyLinkCountChanges(code, stderr)).toBe(expected);
  });
});
