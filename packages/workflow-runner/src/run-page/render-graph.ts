// A workflow's jobs as the run page draws them: boxes with status and duration, laid out in
// columns by `needs:` (a job stands one column right of the furthest job it needs), and the
// edges between them labelled with the image digest when the job upstream hands one on.
import { escapeHtml, formatDuration } from '@bakeline/toolkit';
import { MARK } from '../report.ts';
import type { JobResult, WorkflowResult } from '../run-types.ts';

const BOX = { width: 220, height: 72, columnGap: 170, rowGap: 28, margin: 16 };
const DIGEST = /sha256:[0-9a-f]{64}/;

/** The digest a job hands on to the jobs that need it: the first `sha256:` in its outputs. */
export function digestOf(job: JobResult): string | undefined {
  for (const value of Object.values(job.outputs)) {
    const match = DIGEST.exec(value);
    if (match) return match[0];
  }
  return undefined;
}

/** Column of each job: 0 without needs, else one more than the furthest job it needs. */
export function columns(jobs: readonly JobResult[]): Map<string, number> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const column = new Map<string, number>();
  const place = (job: JobResult, seen: Set<string>): number => {
    const known = column.get(job.id);
    if (known !== undefined) return known;
    if (seen.has(job.id)) return 0; // a cycle cannot run; draw it flat rather than loop
    seen.add(job.id);
    const needed = job.needs.map((n) => byId.get(n)).filter((j): j is JobResult => j !== undefined);
    const value = needed.length === 0 ? 0 : 1 + Math.max(...needed.map((j) => place(j, seen)));
    column.set(job.id, value);
    return value;
  };
  for (const job of jobs) place(job, new Set());
  return column;
}

export function renderGraph(workflow: WorkflowResult, anchor: (job: JobResult) => string): string {
  const column = columns(workflow.jobs);
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const job of workflow.jobs) {
    const c = column.get(job.id) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    at.set(job.id, {
      x: BOX.margin + c * (BOX.width + BOX.columnGap),
      y: BOX.margin + r * (BOX.height + BOX.rowGap),
    });
  }
  const width = BOX.margin * 2 + (Math.max(0, ...column.values()) + 1) * (BOX.width + BOX.columnGap) - BOX.columnGap;
  const height = BOX.margin * 2 + Math.max(1, ...rows.values()) * (BOX.height + BOX.rowGap) - BOX.rowGap;
  const edges: string[] = [];
  for (const job of workflow.jobs) {
    const to = at.get(job.id);
    for (const need of job.needs) {
      const from = at.get(need);
      const upstream = workflow.jobs.find((j) => j.id === need);
      if (!from || !to || !upstream) continue;
      const [x1, y1, x2, y2] = [from.x + BOX.width, from.y + BOX.height / 2, to.x, to.y + BOX.height / 2];
      const mid = (x1 + x2) / 2;
      const digest = digestOf(upstream);
      edges.push(
        `<g class="edge" data-from="${escapeHtml(need)}" data-to="${escapeHtml(job.id)}"${digest ? ` data-digest="${digest}"` : ''}>` +
          `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}"/>` +
          (digest
            ? `<text x="${mid}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle"><title>${digest}</title>${digest.slice(0, 19)}…</text>`
            : '') +
          '</g>',
      );
    }
  }
  const boxes = workflow.jobs.map((job) => {
    const { x, y } = at.get(job.id) ?? { x: 0, y: 0 };
    const detail = job.result === 'skipped' ? 'skipped' : formatDuration(job.durationMs);
    const calls = job.workflow ? `calls ${job.workflow.name}` : (job.environment ?? '');
    return (
      `<a href="#${anchor(job)}" class="job ${job.result}" data-job="${escapeHtml(job.id)}" data-result="${job.result}">` +
      `<rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="8"/>` +
      `<text x="${x + 12}" y="${y + 26}" class="name">${MARK[job.result] ?? ''} ${escapeHtml(job.id)}</text>` +
      `<text x="${x + 12}" y="${y + 48}" class="detail">${escapeHtml(detail)}${calls ? ` · ${escapeHtml(calls)}` : ''}</text>` +
      '</a>'
    );
  });
  return `<svg class="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="jobs of ${escapeHtml(workflow.name)}">${edges.join('')}${boxes.join('')}</svg>`;
}
