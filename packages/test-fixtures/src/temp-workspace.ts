// A temporary folder for one test file (a runner workspace, a checkout, an output directory),
// removed again by the test's afterAll so that no run leaves a folder behind in the temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempWorkspace {
  /** absolute path of the folder, created empty */
  path: string;
  /** removes the folder and everything in it (idempotent) */
  remove(): void;
}

/** Creates an empty folder `<tmpdir>/<prefix>XXXXXX`. */
export function tempWorkspace(prefix: string): TempWorkspace {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
