// One error annotation per failed test (at the failing line of its source) and per compiler error,
// with paths relative to the workspace as the runner wants them.
import { relative } from 'node:path';
import { annotate } from '@bakeline/action-io';
import type { MavenBuildResult } from '@bakeline/maven';
import { failureTitle } from './summary.ts';

export function annotateResult(result: MavenBuildResult, workspace: string): void {
  for (const f of result.failures) {
    annotate({
      level: 'error',
      title: failureTitle(f),
      message: f.message || f.type || `${f.kind} in ${f.method}`,
      ...(f.location ? { file: relative(workspace, f.location.file), line: f.location.line } : {}),
    });
  }
  for (const e of result.compilerErrors) {
    annotate({
      level: 'error',
      title: 'Compilation error',
      message: e.message,
      file: relative(workspace, e.file),
      line: e.line,
      ...(e.column ? { column: e.column } : {}),
    });
  }
}

/** Why the step fails, or undefined when it passes: failed tests first, then compiler errors, then Maven's code. */
export function failureReason(result: MavenBuildResult, workspace: string): string | undefined {
  const why = result.noArtifactReason ? `; ${result.noArtifactReason}` : '';
  if (result.failures.length > 0) {
    return `${result.failures.length} test(s) failed: ${result.failures.map(failureTitle).join(', ')}${why}`;
  }
  const [first] = result.compilerErrors;
  if (first) {
    return `compilation failed with ${result.compilerErrors.length} error(s); first: ${relative(workspace, first.file)}:${first.line}: ${first.message}${why}`;
  }
  if (result.exitCode !== 0) return `Maven failed with exit code ${result.exitCode} (see the log above)${why}`;
  return undefined;
}
