// Reading a harness result the way the action tests do: the step's error annotation, and an
// assertion of success whose failure message carries that error and everything the step printed.
import type { HarnessResult } from '@bakeline/test/harness';
import { expect } from 'vitest';

/** The message of the step's first error annotation, or '' if it has none. */
export function failureOf(result: HarnessResult): string {
  return result.annotations.find((a) => a.level === 'error')?.message ?? '';
}

/** Asserts exit code 0; on failure shows the error annotation, stdout and stderr. */
export function expectSuccess(result: HarnessResult): void {
  expect(result.exitCode, `${failureOf(result)}\n${result.stdout}\n${result.stderr}`).toBe(0);
}
