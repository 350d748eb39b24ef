import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimTestTempRoot } from './test-temp-root.ts';

function ownedDir(parent: string, name: string, pid: number | undefined): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  if (pid !== undefined) writeFileSync(join(dir, 'owner.pid'), String(pid));
  writeFileSync(join(dir, 'left-behind'), 'x');
  return dir;
}

describe('claimTestTempRoot', () => {
  it('creates a directory owned by this process, removes those of dead runs, keeps the rest', () => {
    const parent = mkdtempSync(join(tmpdir(), 'temp-root-'));
    const deadPid = spawnSync('true').pid ?? 0;
    expect(deadPid).toBeGreaterThan(0);
    const dead = ownedDir(parent, 'bakeline-tests-dead01', deadPid);
    const live = ownedDir(parent, 'bakeline-tests-live01', process.pid);
    const noOwner = ownedDir(parent, 'bakeline-tests-noown1', undefined);
    const other = ownedDir(parent, 'someone-else', deadPid);

    const root = claimTestTempRoot(parent);

    expect(existsSync(dead)).toBe(false);
    expect([live, noOwner, other].map(existsSync)).toEqual([true, true, true]);
    expect(root.dir.startsWith(join(parent, 'bakeline-tests-'))).toBe(true);
    expect(readFileSync(join(root.dir, 'owner.pid'), 'utf8')).toBe(String(process.pid));
    writeFileSync(join(root.dir, 'a-test-file'), 'x');
    root.remove();
    expect(existsSync(root.dir)).toBe(false);
  });
});
