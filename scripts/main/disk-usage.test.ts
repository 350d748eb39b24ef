import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { diskUsage } from './disk-usage.ts';

test('a hard-linked file is counted once, as du counts it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakeline-du-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a'), Buffer.alloc(1 << 20, 1));
  const once = diskUsage(dir);
  linkSync(join(dir, 'a'), join(dir, 'b'));
  expect(diskUsage(dir)).toBe(once);
  writeFileSync(join(dir, 'c'), Buffer.alloc(1 << 20, 2));
  expect(diskUsage(dir) - once).toBeGreaterThanOrEqual(1 << 20);
});
