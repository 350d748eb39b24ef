// The run page: one static HTML file in the run directory (index.html), readable with no server
// and no network. It shows the workflow graph (and the graph of every reusable workflow a job
// calls), each job's steps with their logs (groups folded, annotations marked), the step
// summaries rendered, and the annotations of the whole run at the top, as GitHub's run page does.
// The page loads nothing: its Content-Security-Policy allows no fetch and no script, and each job
// summary (Markdown with HTML, as $GITHUB_STEP_SUMMARY takes) is shown in a sandboxed frame.
import { escapeHtml, formatDuration } from '@bakeline/toolkit';
import { marked } from 'marked';
import { MARK } from '../report.ts';
import type { JobResult, StepResult, WorkflowResult } from '../run-types.ts';
import { renderGraph } from './render-graph.ts';
import { type RenderedLog, renderLog } from './render-log.ts';
import type { RunRecorder } from './run-recorder.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header,main{max-width:1200px;margin:0 auto;padding:12px 20px}
h1{font-size:20px;margin:8px 0} h2{font-size:17px;margin:18px 0 8px} h3{font-size:15px;margin:12px 0 6px}
.success{--c:#1a7f37} .failure{--c:#cf222e} .skipped,.cancelled{--c:#6e7781}
.badge{color:var(--c);font-weight:600}
section.workflow,section.job{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 14px;margin:12px 0}
svg.graph{max-width:100%;height:auto;background:#fff}
svg .job rect{fill:#fff;stroke:var(--c);stroke-width:2} svg .job text{fill:#1f2328}
svg .job .name{font-weight:600;font-size:14px} svg .job .detail{font-size:12px;fill:#57606a}
svg .edge path{fill:none;stroke:#8c959f;stroke-width:2} svg .edge text{font:11px ui-monospace,monospace;fill:#0969da}
details.step>summary{cursor:pointer;padding:4px 0;font-weight:600}
.log{background:#0d1117;color:#e6edf3;font:12px/1.5 ui-monospace,monospace;border-radius:6px;padding:8px 10px;overflow-x:auto}
.log .line{white-space:pre-wrap;word-break:break-all}
.log details.group>summary{cursor:pointer;color:#7ee787}
.log details.group>.line{padding-left:16px}
.log .count{color:#8b949e}
.log .debug{display:none;color:#8b949e}
#show-debug:checked~main .log .debug{display:block}
.annotation{border-left:4px solid var(--a);padding:2px 8px;margin:2px 0;background:#fff8c5;color:#1f2328}
.annotation.error{--a:#cf222e;background:#ffebe9} .annotation.warning{--a:#bf8700} .annotation.notice{--a:#0969da;background:#ddf4ff}
iframe.summary{width:100%;height:260px;border:1px solid #d0d7de;border-radius:6px;resize:vertical;background:#fff}
table.outputs td{font:12px ui-monospace,monospace;padding:1px 8px 1px 0;word-break:break-all}
`;

const SUMMARY_STYLE =
  'body{font:14px/1.45 system-ui,sans-serif;margin:8px;color:#1f2328}table{border-collapse:collapse}' +
  'td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}code{font:12px ui-monospace,monospace}';

/** The job sections' anchors: unique across nested workflows. */
function anchorFor(path: readonly string[]): string {
  return `job-${path.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('--')}`;
}

interface Collected {
  sections: string[];
  graphs: string[];
  annotations: (RenderedLog['annotations'][number] & { job: string; anchor: string })[];
}

function stepSection(step: StepResult, log: RenderedLog): string {
  const status = step.outcome === step.conclusion ? step.outcome : `${step.outcome}, continued`;
  const open = step.outcome === 'failure' ? ' open' : '';
  const error = step.error ? `<div class="annotation error"><b>error</b> ${escapeHtml(step.error)}</div>` : '';
  return (
    `<details class="step ${step.conclusion}" data-step="${escapeHtml(step.name)}"${open}>` +
    `<summary><span class="badge">${MARK[step.conclusion] ?? ''}</span> ${escapeHtml(step.name)} ` +
    `<small>${escapeHtml(status)}${step.outcome === 'skipped' ? '' : `, ${formatDuration(step.durationMs)}`}</small></summary>` +
    `${error}<div class="log">${log.html || '<div class="line">(no output)</div>'}</div></details>`
  );
}

function jobSection(job: JobResult, depth: number, path: string[], recorder: RunRecorder, into: Collected): void {
  const anchor = anchorFor(path);
  const steps = job.steps.map((step) => {
    const log = renderLog(recorder.stepLines(depth, job.id, step.index));
    for (const a of log.annotations) into.annotations.push({ ...a, job: path.join(' / '), anchor });
    return stepSection(step, log);
  });
  const outside = recorder.jobLines(depth, job.id);
  const outputs = Object.entries(job.outputs);
  const summary = job.summary.trim()
    ? `<h3>Summary</h3><iframe class="summary" sandbox="" title="summary of ${escapeHtml(job.id)}" srcdoc="${escapeHtml(
        `<!doctype html><meta charset="utf-8"><style>${SUMMARY_STYLE}</style>${marked.parse(job.summary, { async: false })}`,
      )}"></iframe>`
    : '';
  into.sections.push(
    `<section class="job ${job.result}" id="${anchor}" data-job="${escapeHtml(job.id)}">` +
      `<h2><span class="badge">${MARK[job.result] ?? ''} ${job.result}</span> job ${escapeHtml(path.join(' / '))}` +
      `${job.environment ? ` <small>environment ${escapeHtml(job.environment)}</small>` : ''}` +
      ` <small>${job.result === 'skipped' ? '' : formatDuration(job.durationMs)}</small></h2>` +
      (job.error ? `<div class="annotation error"><b>error</b> ${escapeHtml(job.error)}</div>` : '') +
      (outside.length ? `<div class="log">${renderLog(outside).html}</div>` : '') +
      steps.join('') +
      (outputs.length
        ? `<h3>Outputs</h3><table class="outputs">${outputs.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`
        : '') +
      summary +
      '</section>',
  );
  if (job.workflow) walk(job.workflow, depth + 1, path, recorder, into);
}

function walk(workflow: WorkflowResult, depth: number, path: string[], recorder: RunRecorder, into: Collected): void {
  const title = path.length === 0 ? 'workflow' : `called by job ${path.join(' / ')}`;
  into.graphs.push(
    `<section class="workflow ${workflow.result}" data-workflow="${escapeHtml(workflow.name)}">` +
      `<h2><span class="badge">${MARK[workflow.result] ?? ''}</span> ${escapeHtml(workflow.name)} <small>${escapeHtml(title)} · ${escapeHtml(workflow.file)}</small></h2>` +
      renderGraph(workflow, (job) => anchorFor([...path, job.id])) +
      '</section>',
  );
  for (const job of workflow.jobs) jobSection(job, depth, [...path, job.id], recorder, into);
}

export function renderRunPage(result: WorkflowResult, recorder: RunRecorder): string {
  const into: Collected = { sections: [], graphs: [], annotations: [] };
  walk(result, 0, [], recorder, into);
  const annotations = into.annotations.length
    ? `<section class="workflow"><h2>Annotations (${into.annotations.length})</h2>${into.annotations
        .map(
          (a) =>
            `<div class="annotation ${a.level}"><b>${a.level}</b> <a href="#${a.anchor}">${escapeHtml(a.job)}</a>${a.where ? ` <code>${escapeHtml(a.where)}</code>` : ''} ${escapeHtml(a.message)}</div>`,
        )
        .join('')}</section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(result.name)}: ${result.result}</title><style>${STYLE}</style></head>
<body class="${result.result}">
<header><h1><span class="badge">${MARK[result.result] ?? ''} ${result.result}</span> ${escapeHtml(result.runName ?? result.name)}</h1>
<div>on ${escapeHtml(result.event)} · ${formatDuration(result.durationMs)}</div>
</header>
<input type="checkbox" id="show-debug"><label for="show-debug"> show debug lines</label>
<main>${annotations}${into.graphs.join('')}${into.sections.join('')}</main>
</body></html>
`;
}
