import { describe, expect, it } from 'vitest';
import { snapshotDrift } from './snapshot-drift.ts';

describe('snapshotDrift', () => {
  it('is silent when the texts are equal', () => {
    expect(snapshotDrift('{\n  "a": 1\n}\n', '{\n  "a": 1\n}\n', 'f.json')).toBeUndefined();
  });

  it('names the file, the first differing line and the command that regenerates it', () => {
    expect(snapshotDrift('{\n  "a": 1\n}\n', '{\n  "a": 2\n}\n', 'f.json')).toBe(
      'f.json differs from what terraform apply of infra/terraform/examples/licensing-service creates ' +
        '(line 2: committed "  \\"a\\": 1", applied "  \\"a\\": 2"); regenerate it: node scripts/terraform-snapshot.ts',
    );
  });

  it('reports a file that ends early', () => {
    expect(snapshotDrift('a\n', 'a\nb\n', 'f.json')).toContain('(line 2: committed "", applied "b")');
  });
});
