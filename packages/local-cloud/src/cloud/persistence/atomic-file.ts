// A file replaced in one step: written to a temp file beside it, flushed, then renamed over it,
// so a crash leaves either the old content or the new one, never half of either.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
