import type { CheckKind } from './spec-schema.ts';

/** `readiness`: the target becoming ready, reported like a check so a report shows why nothing ran. */
export type ResultKind = CheckKind | 'readiness';

export interface CheckResult {
  name: string;
  kind: ResultKind;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** Why it failed or was skipped (secrets masked); empty when it passed. */
  message: string;
}
