// Compares the committed Terraform snapshot with a fresh one: the first differing line, and the
// command that writes the file again.
import { SNAPSHOT_COMMAND } from './snapshot-command.ts';

/** Undefined when equal; otherwise what differs and how to regenerate. */
export function snapshotDrift(committed: string, fresh: string, file: string): string | undefined {
  if (committed === fresh) return undefined;
  const a = committed.split('\n');
  const b = fresh.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return (
    `${file} differs from what terraform apply of infra/terraform/examples/licensing-service creates ` +
    `(line ${line + 1}: committed ${JSON.stringify(a[line] ?? '<end>')}, applied ${JSON.stringify(b[line] ?? '<end>')}); ` +
    `regenerate it: ${SNAPSHOT_COMMAND}`
  );
}
