// Prints a run as it happens: each workflow, job and step with its status, step logs indented,
// and at the end the workflow outputs.
import type { JobResult, RunEvent, StepResult, WorkflowResult } from './run-types.ts';

const MARK: Record<string, string> = { success: '✓', failure: '✗', skipped: '-', cancelled: '⊘' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export type Printer = (event: RunEvent) => void;

export function createPrinter(write: (line: string) => void, options: { logs: boolean }): Printer {
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
        write(`${pad}  ${jobLine(event.job)}`);
        break;
      case 'step-start':
        break;
      case 'step-end':
        write(`${pad}    ${stepLine(event.step)}`);
        break;
      case 'log':
        if (options.logs) write(`${pad}    │ ${event.line}`);
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
