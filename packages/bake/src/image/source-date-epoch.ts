// SOURCE_DATE_EPOCH: given, or the commit time of the commit being built (never the clock).
import { exec as defaultExec, type Exec, execChecked } from '@bakeline/toolkit';

/** The committer time of `sha` in the repository at `cwd`, in seconds since the epoch. */
export async function commitTime(sha: string, cwd: string, exec: Exec = defaultExec): Promise<number> {
  const result = await execChecked('git', ['log', '-1', '--format=%ct', sha], { cwd, timeoutMs: 30_000 }, exec).catch(
    (error: unknown) => {
      throw new Error(`source-date-epoch: cannot read the commit time of ${sha} in ${cwd} (give source-date-epoch)`, {
        cause: error,
      });
    },
  );
  const value = Number(result.stdout.trim());
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`source-date-epoch: git gave "${result.stdout.trim()}" as the commit time of ${sha}`);
  }
  return value;
}
