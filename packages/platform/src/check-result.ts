import type { CheckKind } from './spec-schema.ts';

export interface CheckResult {
  name: string;
  kind: CheckKind;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  message: string;
}
