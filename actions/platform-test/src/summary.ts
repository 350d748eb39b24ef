import type { PlatformTestResult } from '@bakeline/platform';
import { escapeHtml, summary } from '@bakeline/toolkit';

const ICON = { passed: '✅', failed: '❌', skipped: '⏭️' } as const;

export async function writeSummary(result: PlatformTestResult, subject: string): Promise<void> {
  summary.addHeading(`Platform test: ${result.failed === 0 ? 'passed' : 'failed'}`, 3);
  summary.addRaw(
    `<p>${escapeHtml(subject)}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped</p>\n`,
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
      `${r.durationMs} ms`,
      escapeHtml(r.message),
    ]),
  ]);
  await summary.write();
}
