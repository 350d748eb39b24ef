// The bytes a directory takes on disk, as `du` counts them: a file with several hard links (the
// run directories link artifacts rather than copy them) is counted once.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function diskUsage(dir: string): number {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (path: string): void => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    const key = `${stat.dev}:${stat.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    bytes += stat.blocks * 512;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return bytes;
}
