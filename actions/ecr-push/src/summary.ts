import { escapeHtml, formatBytes, formatDuration, summary } from '@bakeline/toolkit';
import type { EcrPushResult } from './push.ts';

export async function writeSummary(result: EcrPushResult, durationMs: number): Promise<void> {
  summary.addHeading('Pushed to ECR', 3);
  summary.addTable([
    [
      { data: 'image', header: true },
      { data: 'tags', header: true },
      { data: 'uploaded', header: true },
      { data: 'skipped', header: true },
      { data: 'mounted', header: true },
      { data: 'duration', header: true },
    ],
    [
      `<code>${escapeHtml(result.imageUri)}</code>`,
      escapeHtml(result.tags.map((t) => `${t.tag} (${t.status})`).join(', ') || '(by digest only)'),
      `${result.uploadedBlobs.length} blobs, ${formatBytes(result.pushedBytes)}`,
      String(result.skippedBlobs.length),
      String(result.mountedBlobs.length),
      formatDuration(durationMs),
    ],
  ]);
  if (result.findings) {
    summary.addHeading('Scan findings', 4);
    const entries = Object.entries(result.findings);
    summary.addRaw(entries.length ? entries.map(([s, n]) => `${s}: ${n}`).join(', ') : 'none');
  }
  await summary.write();
}
