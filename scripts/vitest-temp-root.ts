// Vitest's global setup: every test run, however it is started (the test command, `vitest run
// <file>`, an editor), gets one temp directory of its own as TMPDIR, removed when the run ends.
// Vitest starts its workers after the global setup, with the environment of this process, so
// the tests and every process they start write their temp files there.
// A run whose tests left something in it fails, naming what: each test cleans up after itself.
import { claimTestTempRoot } from './test-temp-root.ts';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const temp = claimTestTempRoot();
  process.env.TMPDIR = temp.dir;
  return () => {
    const left = temp.leftovers();
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    temp.remove();
    if (left.length === 0) return;
    console.error(`\nFAIL the tests left ${left.length} entries in their temp directory ${temp.dir}:`);
    for (const name of left.slice(0, 50)) console.error(`  ${name}`);
    if (left.length > 50) console.error(`  ... and ${left.length - 50} more`);
    process.exitCode = 1;
  };
}
