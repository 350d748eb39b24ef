// The job summary of a promotion, and the failure report a person reads first.
import { summary } from '@bakeline/action-io';
import type { Diagnostics, PromoteResult } from '@bakeline/kube';
import { escapeHtml, formatDuration, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';

export async function writeSuccessSummary(
  environment: string,
  namespace: string,
  result: PromoteResult,
  durationMs: number,
): Promise<void> {
  const rows = result.workloads.flatMap((w) =>
    w.pods.map((p) => [
      escapeHtml(`${namespace}/${w.name}`),
      String(w.revision),
      escapeHtml(p.pod),
      escapeHtml(p.container),
      `<code>${escapeHtml(p.imageID)}</code>`,
    ]),
  );
  await summary
    .addHeading(`Promoted to ${environment}`, 3)
    .addTable([
      [
        { data: 'environment', header: true },
        { data: 'previous digest', header: true },
        { data: 'new digest', header: true },
        { data: 'duration', header: true },
      ],
      [
        environment,
        result.previousDigest ? `<code>${result.previousDigest}</code>` : '(none)',
        `<code>${result.digest}</code>`,
        formatDuration(durationMs),
      ],
    ])
    .addTable([
      [
        { data: 'workload', header: true },
        { data: 'revision', header: true },
        { data: 'pod', header: true },
        { data: 'container', header: true },
        { data: 'imageID', header: true },
      ],
      ...rows,
    ])
    .write();
}

export async function writeFailureSummary(
  environment: string,
  message: string,
  state: { rolledBack: boolean; runningDigest: string | undefined },
): Promise<void> {
  await summary
    .addHeading(`Promotion to ${environment} failed`, 3)
    .addRaw(`${escapeHtml(message)}\n\n`)
    .addRaw(
      state.rolledBack
        ? 'What this promotion changed was restored; what it created was deleted.\n\n'
        : 'Nothing was restored.\n\n',
    )
    .addRaw(
      state.runningDigest
        ? `The ready pods run <code>${escapeHtml(state.runningDigest)}</code>.\n`
        : 'The ready pods run no single digest.\n',
    )
    .write();
}

/**
 * Pods, events and logs come from the cluster (an event message, a container's output): every
 * line goes through the runner-exact neutralizer, so none can be read as a workflow command.
 */
export async function printDiagnostics(logger: Logger, diagnostics: Diagnostics): Promise<void> {
  const safe = (line: string) => logger.info(neutralizeWorkflowCommands(line));
  await logger.group('Pods, events and logs of the failed rollout', async () => {
    for (const line of diagnostics.pods) safe(`pod ${line}`);
    for (const line of diagnostics.events) safe(`event ${line}`);
    for (const log of diagnostics.logs) {
      safe(`--- last log lines of ${log.pod}/${log.container}`);
      safe(log.lines);
    }
  });
}
