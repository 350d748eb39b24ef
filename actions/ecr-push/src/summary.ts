// The job summary: where the image went, its tags, what was uploaded vs already there or mounted,
// how long it took, and the scan's findings.
import { summary } from '@bakeline/action-io';
import type { EcrPushResult } from '@bakeline/aws';
import { escapeHtml, formatBytes, formatDuration } from '@bakeline/toolkit';

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

export async function writeSummary(result: EcrPushResult, failOn: string): Promise<void> {
  const blobs = result.uploadedBlobs.length + result.skippedBlobs.length + result.mountedBlobs.length;
  summary.addHeading('ecr-push', 3);
  summary.addTable([
    [{ data: 'image', header: true }, { data: code(result.imageUri) }],
    [
      { data: 'tags', header: true },
      {
        data:
          result.tags.map((t) => `${code(t.tag)} ${t.status === 'created' ? 'created' : 'already there'}`).join(', ') ||
          'none (pushed by digest)',
      },
    ],
    [
      { data: 'uploaded', header: true },
      { data: `${result.uploadedBlobs.length} of ${blobs} blobs, ${formatBytes(result.pushedBytes)}` },
    ],
    [
      { data: 'not uploaded', header: true },
      {
        data: `${result.skippedBlobs.length} already in the repository, ${result.mountedBlobs.length} mounted${result.mountSources.length ? ` from ${result.mountSources.map(code).join(', ')}` : ''}`,
      },
    ],
    [
      { data: 'repository', header: true },
      {
        data: `${code(result.repositoryUri)}${result.repository.created ? ' (created: IMMUTABLE tags, scan on push)' : ''}`,
      },
    ],
    [{ data: 'duration', header: true }, { data: formatDuration(result.durationMs) }],
  ]);
  if (result.scan) {
    const counts = Object.entries(result.scan.counts);
    summary.addHeading('Scan findings', 4);
    summary.addRaw(
      `<p>${counts.length ? counts.map(([s, n]) => `${escapeHtml(s)}: ${n}`).join(', ') : 'no findings'}${failOn !== 'none' ? ` (gate: ${escapeHtml(failOn)} and above${Object.keys(result.blocked).length ? ' <strong>failed</strong>' : ' passed'})` : ''}</p>`,
      true,
    );
    if (result.scan.findings.length > 0) {
      summary.addTable([
        [
          { data: 'severity', header: true },
          { data: 'finding', header: true },
          { data: 'package', header: true },
        ],
        ...result.scan.findings.map((f) => [
          escapeHtml(f.severity),
          f.uri ? `<a href="${escapeHtml(f.uri)}">${escapeHtml(f.name)}</a>` : escapeHtml(f.name),
          escapeHtml([f.package, f.version].filter(Boolean).join(' ')),
        ]),
      ]);
    }
  }
  await summary.write();
}
