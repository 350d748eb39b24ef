// The job summary table and the container log of a platform test run.
import { randomBytes } from 'node:crypto';
import { summary } from '@bakeline/action-io';
import type { PlatformTestResult } from '@bakeline/platform';
import { escapeHtml, formatDuration, type Logger } from '@bakeline/toolkit';

const ICON = { passed: '✅', failed: '❌', skipped: '⏭️' } as const;

export async function writeSummary(result: PlatformTestResult, subject: string): Promise<void> {
  const verdict = result.cancelled ? 'cancelled' : result.failed === 0 ? 'passed' : 'failed';
  summary.addHeading(`Platform test: ${verdict}`, 3);
  summary.addRaw(
    `<p><code>${escapeHtml(subject)}</code>: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped${
      result.readyAfterMs !== undefined ? `; ready after ${formatDuration(result.readyAfterMs)}` : ''
    }</p>\n`,
  );
  summary.addTable([
    [
      { data: 'check', header: true },
      { data: 'kind', header: true },
      { data: 'result', header: true },
      { data: 'duration', header: true },
      { data: 'message', header: true },
    ],
    ...result.results.map((r) => [
      escapeHtml(r.name),
      r.kind,
      `${ICON[r.status]} ${r.status}`,
      formatDuration(r.durationMs),
      escapeHtml(r.message),
    ]),
  ]);
  await summary.write();
}

/**
 * The log in a collapsed group. It is already masked and neutralised; stop-commands around it as
 * well, so no line of it can be read as a workflow command even if it slipped through.
 */
export async function printContainerLog(log: string, logger: Logger): Promise<void> {
  await logger.group('Container log (last lines)', async () => {
    const token = `bakeline-${randomBytes(16).toString('hex')}`;
    logger.info(`::stop-commands::${token}`);
    logger.info(log.trimEnd());
    logger.info(`::${token}::`);
  });
}
