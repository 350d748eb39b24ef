// Where a bake writes: never over anything. Each run writes into a fresh staging directory
// inside the output directory (`.bake-staging-<random>`), which is renamed, whole, to
// `bake-<first 12 hex of the digest>` once the image is complete. Nothing that bakeline did not
// make in this run is deleted: a directory of that name that already holds exactly this image
// is kept (the new copy is dropped, the bytes are the same); one that does not is an error.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, verifyLayout } from '@bakeline/oci';

export const STAGING_PREFIX = '.bake-staging-';

/** A fresh, empty staging directory inside `outputDir` (created if missing). */
export function createStaging(outputDir: string): string {
  mkdirSync(outputDir, { recursive: true });
  return mkdtempSync(join(outputDir, STAGING_PREFIX));
}

export function runDirName(digest: string): string {
  return `bake-${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
}

/** Moves the staging directory to its final name; returns that directory. */
export async function publishRun(staging: string, outputDir: string, digest: Digest): Promise<string> {
  const final = join(outputDir, runDirName(digest));
  if (existsSync(final)) {
    const held = await verifyLayout(join(final, 'layout'), digest).then(
      () => true,
      () => false,
    );
    if (!held || !existsSync(join(final, 'image.tar'))) {
      throw new Error(
        `output-dir: ${final} exists and does not hold the image ${digest}; bakeline replaces nothing it did not make: move it away or choose another output-dir`,
      );
    }
    rmSync(staging, { recursive: true, force: true }); // this run's own copy of the same bytes
    return final;
  }
  renameSync(staging, final);
  return final;
}
