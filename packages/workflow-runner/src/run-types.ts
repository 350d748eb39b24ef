// Results and progress events of a local workflow run.
import type { JsonValue } from './expressions.ts';

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  index: number;
  id?: string;
  name: string;
  uses?: string;
  /** What `uses:` was mapped to locally (e.g. `actions/ecr-push/dist (working tree)`). */
  mappedTo?: string;
  outcome: Conclusion;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
  error?: string;
}

export interface ConcurrencyRecord {
  group: string;
  cancelInProgress: boolean;
}

export interface JobResult {
  id: string;
  name: string;
  /** The jobs this one `needs:` (the edges of the run's graph). */
  needs: string[];
  result: Conclusion;
  outputs: Record<string, string>;
  steps: StepResult[];
  environment?: string;
  /** `runs-on` as evaluated (recorded; every job runs on this machine). */
  runsOn?: string[];
  permissions: Record<string, string>;
  concurrency?: ConcurrencyRecord;
  summary: string;
  error?: string;
  durationMs: number;
  /** The called workflow, for a job that `uses:` a reusable workflow. */
  uses?: string;
  workflow?: WorkflowResult;
}

export interface WorkflowResult {
  file: string;
  name: string;
  /** `run-name`, evaluated. */
  runName?: string;
  event: string;
  result: Conclusion;
  inputs: Record<string, JsonValue>;
  outputs: Record<string, string>;
  jobs: JobResult[];
  concurrency?: ConcurrencyRecord;
  permissions?: Record<string, string>;
  notes: string[];
  durationMs: number;
}

export type RunEvent =
  | { type: 'workflow-start'; depth: number; file: string; name: string; event: string }
  | { type: 'workflow-end'; depth: number; result: WorkflowResult }
  | { type: 'job-start'; depth: number; jobId: string; name: string }
  | { type: 'job-end'; depth: number; job: JobResult }
  | { type: 'step-start'; depth: number; jobId: string; name: string }
  | { type: 'step-end'; depth: number; jobId: string; step: StepResult }
  | { type: 'log'; depth: number; jobId: string; line: string }
  | { type: 'note'; depth: number; message: string };
