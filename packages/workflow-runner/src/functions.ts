// The functions GitHub adds to the built-in ones: the status functions (in `if:` only) and
// hashFiles (in steps only).
import { createHash } from 'node:crypto';
import { globSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { data, fn } from './expressions.ts';

export type Status = 'success' | 'failure' | 'cancelled';

/** success(), failure(), always(), cancelled(); `failed`/`succeeded` are read when called. */
export function statusFunctions(state: { succeeded: () => boolean; failed: () => boolean; cancelled: () => boolean }) {
  return [
    fn('success', 0, 0, () => new data.BooleanData(state.succeeded() && !state.cancelled())),
    fn('failure', 0, 0, () => new data.BooleanData(state.failed() && !state.cancelled())),
    fn('cancelled', 0, 0, () => new data.BooleanData(state.cancelled())),
    fn('always', 0, 0, () => new data.BooleanData(true)),
  ] satisfies FunctionDefinition[];
}

/**
 * hashFiles(pattern, ...) as the runner computes it: the files matched under the workspace
 * (patterns starting with `!` exclude), sorted by path; the SHA-256 of each file; the SHA-256 of
 * those digests in order. '' when nothing matches.
 */
export function hashFilesFunction(workspace: string): FunctionDefinition {
  return fn('hashFiles', 1, 255, (...args) => {
    const patterns = args.map((a) => a.coerceString());
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const files = new Set<string>();
    for (const pattern of include) {
      for (const match of globSync(pattern, { cwd: workspace, exclude })) {
        const full = isAbsolute(match) ? match : join(workspace, match);
        const rel = relative(workspace, full);
        if (rel.startsWith('..') || isAbsolute(rel)) {
          throw new Error(`hashFiles('${pattern}'): ${full} is outside the workspace`);
        }
        if (statSync(full).isFile()) files.add(full);
      }
    }
    if (files.size === 0) return new data.StringData('');
    const all = createHash('sha256');
    for (const file of [...files].sort()) all.update(createHash('sha256').update(readFileSync(file)).digest());
    return new data.StringData(all.digest('hex'));
  });
}
