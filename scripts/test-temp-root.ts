// A temp directory for one run of the test suites: every suite gets it as TMPDIR, so what the
// tests leave in their temp directories (layouts, registries, workspaces: over a GB for the
// integration suites) goes when the run ends. A run that was killed leaves its directory behind;
// the next run removes it, knowing it by the pid file of a process that no longer exists.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'bakeline-tests-';
const OWNER_FILE = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp roots of runs whose process is gone; returns how many. */
function removeAbandoned(parent: string): number {
  let removed = 0;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(parent, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or still being created
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

export interface TestTempRoot {
  dir: string;
  /** What is in the directory besides its owner file: what the tests did not clean up. */
  leftovers(): string[];
  remove(): void;
}

export function claimTestTempRoot(parent = tmpdir()): TestTempRoot {
  const abandoned = removeAbandoned(parent);
  if (abandoned > 0)
    console.log(`removed ${abandoned} temp director${abandoned === 1 ? 'y' : 'ies'} of killed test runs`);
  const dir = mkdtempSync(join(parent, PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  return {
    dir,
    leftovers: () =>
      readdirSync(dir)
        .filter((name) => name !== OWNER_FILE)
        .sort(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
