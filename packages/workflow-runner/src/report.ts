// Prints a run as it happens: each workflow, job and step with its status, step logs indented
// and shown as GitHub's log viewer shows them (log-view.ts), and at the end the workflow outputs.
import { JobLogView } from './log-view.ts';
import type { JobResult, RunEvent, StepResult, WorkflowResult } from './run-types.ts';

/** The mark of each result, in the terminal and on the run page. */
export const MARK: Record<string, string> = { success: '✓', failure: '✗', skipped: '-', cancelled: '⊘' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export type Printer = (event: RunEvent) => void;

export interface PrinterOptions {
  /** Print the steps' logs at all. */
  logs: boolean;
  /** Expand `::group::` blocks (folded to one line by default). */
  verbose?: boolean;
  /** Show `::debug::` lines (hidden by default, as on GitHub without ACTIONS_STEP_DEBUG). */
  debug?: boolean;
  /** Print every log line as the step wrote it, commands included (for scans of the whole output). */
  raw?: boolean;
}

/** Lines of a failed step's folded output shown again under it. */
const FAILURE_TAIL = 30;

export function createPrinter(write: (line: string) => void, options: PrinterOptions): Printer {
  // jobs run side by side: each keeps its own log view (its open group, its command state)
  const views = new Map<string, JobLogView>();
  const view = (depth: number, jobId: string, pad: string): JobLogView => {
    const key = `${depth}:${jobId}`;
    let found = views.get(key);
    if (!found) {
      found = new JobLogView((line) => write(`${pad}    │ ${line}`), {
        verbose: options.verbose ?? false,
        debug: options.debug ?? false,
        failureTail: FAILURE_TAIL,
      });
      views.set(key, found);
    }
    return found;
  };
  return (event) => {
    const pad = '  '.repeat(event.depth * 2);
    switch (event.type) {
      case 'workflow-start':
        write(`${pad}▶ workflow ${event.name} (${event.file}) on ${event.event}`);
        break;
      case 'workflow-end':
        write(
          `${pad}${MARK[event.result.result]} workflow ${event.result.name}: ${event.result.result} (${seconds(event.result.durationMs)})`,
        );
        break;
      case 'job-start':
        write(`${pad}  ● job ${event.jobId}${event.name !== event.jobId ? ` (${event.name})` : ''}`);
        break;
      case 'job-end':
        views.delete(`${event.depth}:${event.job.id}`);
        write(`${pad}  ${jobLine(event.job)}`);
        break;
      case 'step-start':
        break;
      case 'step-end':
        if (options.logs && !options.raw) view(event.depth, event.jobId, pad).stepEnd(event.step.outcome === 'failure');
        write(`${pad}    ${stepLine(event.step)}`);
        break;
      case 'log':
        if (options.raw) write(`${pad}    │ ${event.line}`);
        else if (options.logs) view(event.depth, event.jobId, pad).line(event.line);
        break;
      case 'note':
        write(`${pad}note: ${event.message}`);
        break;
    }
  };
}

function jobLine(job: JobResult): string {
  const extras = [
    job.environment ? `environment ${job.environment}` : '',
    job.result === 'skipped' ? '' : seconds(job.durationMs),
  ].filter((s) => s !== '');
  return `${MARK[job.result]} job ${job.id}: ${job.result}${extras.length ? ` (${extras.join(', ')})` : ''}${job.error ? ` — ${job.error}` : ''}`;
}

function stepLine(step: StepResult): string {
  const status = step.outcome === step.conclusion ? step.outcome : `${step.outcome}, continued`;
  return `${MARK[step.conclusion]} ${step.name}: ${status}${step.outcome === 'skipped' ? '' : ` (${seconds(step.durationMs)})`}`;
}

/** The closing lines: each job's outputs and the workflow outputs. */
export function outputLines(result: WorkflowResult): string[] {
  const lines: string[] = [];
  const jobs = (r: WorkflowResult, prefix: string) => {
    for (const job of r.jobs) {
      for (const [k, v] of Object.entries(job.outputs)) lines.push(`  ${prefix}${job.id}.outputs.${k} = ${v}`);
    }
  };
  jobs(result, '');
  if (Object.keys(result.outputs).length > 0) {
    lines.push('workflow outputs:');
    for (const [k, v] of Object.entries(result.outputs)) lines.push(`  ${k} = ${v}`);
  }
  if (lines.length > 0 && lines[0]?.startsWith('  ')) lines.unshift('job outputs:');
  lines.push(`result: ${result.result}`);
  return lines;
}

/** Whether step debug logging is on, as the runner reads it (the ACTIONS_STEP_DEBUG secret or variable). */
export function stepDebug(env: NodeJS.ProcessEnv): boolean {
  return env.ACTIONS_STEP_DEBUG?.toLowerCase() === 'true';
}
