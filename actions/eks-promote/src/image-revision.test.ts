import { RegistryClient } from '@bakeline/oci';
import { describe, expect, it } from 'vitest';
import { isCommitId, readImageRevision } from './image-revision.ts';

describe('the revision label', () => {
  it.each([
    ['a'.repeat(40), true],
    ['0123456789abcdef'.repeat(4), true],
    ['A'.repeat(40), false],
    ['a'.repeat(39), false],
    ['a'.repeat(41), false],
    ['v1.2.3', false],
    ['', false],
    [`${'a'.repeat(40)}\n`, false],
  ])('%j is a full commit id: %s', (value, expected) => {
    expect(isCommitId(value)).toBe(expected);
  });

  it('is read by digest only: an image named by tag is refused before any request', async () => {
    const client = new RegistryClient({ registry: '127.0.0.1:9' });
    await expect(readImageRevision('127.0.0.1:9/ostock/svc:1.0', client)).rejects.toThrow(
      "image '127.0.0.1:9/ostock/svc:1.0' has no digest",
    );
  });
});
