import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { claimTestTempRoot } from './test-temp-root.ts';
import { unexpectedLeftovers } from './vitest-temp-root.ts';

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
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
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

  it('lists what the tests left in it, not its owner file', () => {
    const parent = mkdtempSync(join(tmpdir(), 'temp-root-'));
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    const root = claimTestTempRoot(parent);
    expect(root.leftovers()).toEqual([]);
    mkdirSync(join(root.dir, 'bakeline-step-x'));
    writeFileSync(join(root.dir, 'a-file'), 'x');
    expect(root.leftovers()).toEqual(['a-file', 'bakeline-step-x']);
    root.remove();
  });
});

describe('the vitest global setup', () => {
  it('gives a run its own TMPDIR and fails the run when the tests leave something in it', () => {
    const parent = mkdtempSync(join(tmpdir(), 'temp-root-'));
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    // a separate node runs the setup and teardown as vitest does, with `parent` as its TMPDIR
    const script = [
      `import setup from ${JSON.stringify(join(import.meta.dirname, 'vitest-temp-root.ts'))};`,
      "import { mkdirSync } from 'node:fs';",
      "import { tmpdir } from 'node:os';",
      'const teardown = setup();',
      'console.log(tmpdir());',
      "if (process.argv[1] !== 'clean') mkdirSync(tmpdir() + '/' + process.argv[1]);",
      'teardown();',
    ].join('\n');
    const run = (mode: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], {
        encoding: 'utf8',
        env: { ...process.env, TMPDIR: parent },
      });

    const clean = run('clean');
    expect(clean.status).toBe(0);
    const cleanRoot = clean.stdout.trim();
    expect(cleanRoot.startsWith(join(parent, 'bakeline-tests-'))).toBe(true);
    expect(existsSync(cleanRoot)).toBe(false);

    const leaky = run('a-new-leak');
    expect(leaky.status).toBe(1);
    expect(leaky.stderr).toContain('the tests left 1 entries in their temp directory');
    expect(leaky.stderr).toContain('a-new-leak');
    expect(existsSync(leaky.stdout.trim())).toBe(false);

    // a leak known when the check came in is counted, not failed (KNOWN_LEAKS)
    const known = run('bakeline-step-abc123');
    expect(known.status).toBe(0);
    expect(known.stderr).toContain('the tests left 1 entries of known leaks');
    expect(existsSync(known.stdout.trim())).toBe(false);
  });

  it('fails on any leftover whose name no known-leak prefix starts', () => {
    expect(unexpectedLeftovers(['bakeline-step-x1', 'maven-dist-y2'], ['bakeline-step-'])).toEqual(['maven-dist-y2']);
    expect(unexpectedLeftovers(['bakeline-steps'], ['bakeline-step-'])).toEqual(['bakeline-steps']);
    expect(unexpectedLeftovers([], ['bakeline-step-'])).toEqual([]);
  });
});
