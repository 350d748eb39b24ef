// Keeps what a run printed, step by step, for the run page: every log line of every step of
// every job (reusable workflows' jobs included), as the events of the run deliver them. Jobs run
// side by side, so lines are kept per job: (depth, job id), where depth is how deep the workflow
// is called (0 for the caller).
import type { RunEvent } from '../run-types.ts';

/** The key of a job's logs: its workflow's depth and its id. */
export function jobKey(depth: number, jobId: string): string {
  return `${depth}:${jobId}`;
}

export class RunRecorder {
  /** job key -> step index -> lines */
  private readonly steps = new Map<string, Map<number, string[]>>();
  /** job key -> the lines of the step running now (its index comes with step-end) */
  private readonly current = new Map<string, string[]>();
  /** job key -> lines printed outside any step (e.g. why the job failed) */
  private readonly outside = new Map<string, string[]>();

  readonly onEvent = (event: RunEvent): void => {
    switch (event.type) {
      case 'step-start':
        this.current.set(jobKey(event.depth, event.jobId), []);
        break;
      case 'log': {
        const key = jobKey(event.depth, event.jobId);
        const lines = this.current.get(key);
        if (lines) lines.push(event.line);
        else this.linesOutside(key).push(event.line);
        break;
      }
      case 'step-end': {
        const key = jobKey(event.depth, event.jobId);
        let byStep = this.steps.get(key);
        if (!byStep) {
          byStep = new Map();
          this.steps.set(key, byStep);
        }
        byStep.set(event.step.index, this.current.get(key) ?? []);
        this.current.delete(key);
        break;
      }
      default:
        break;
    }
  };

  stepLines(depth: number, jobId: string, stepIndex: number): readonly string[] {
    return this.steps.get(jobKey(depth, jobId))?.get(stepIndex) ?? [];
  }

  jobLines(depth: number, jobId: string): readonly string[] {
    return this.outside.get(jobKey(depth, jobId)) ?? [];
  }

  private linesOutside(key: string): string[] {
    let lines = this.outside.get(key);
    if (!lines) {
      lines = [];
      this.outside.set(key, lines);
    }
    return lines;
  }
}
