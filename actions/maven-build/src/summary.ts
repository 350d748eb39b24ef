import { relative } from 'node:path';
import type { LocatedFailure, MavenBuildResult } from '@bakeline/maven';
import { escapeHtml, formatDuration, summary } from '@bakeline/toolkit';

export function failureTitle(f: LocatedFailure): string {
  return `${f.className.split('.').at(-1)}.${f.method}`;
}

export async function writeSummary(result: MavenBuildResult, workspace: string): Promise<void> {
  const { tests, artifact } = result;
  const ok = result.exitCode === 0 && tests.failed === 0;
  summary.addHeading(`${ok ? '✅' : '❌'} Maven build ${ok ? 'passed' : 'failed'}`, 3);
  summary.addTable([
    [
      { data: 'tests', header: true },
      { data: 'passed', header: true },
      { data: 'failed', header: true },
      { data: 'skipped', header: true },
      { data: 'duration', header: true },
    ],
    [
      String(tests.total),
      String(tests.passed),
      String(tests.failed),
      String(tests.skipped),
      formatDuration(result.durationMs),
    ],
  ]);
  if (result.failures.length > 0) {
    summary.addHeading('Failed tests', 4);
    summary.addTable([
      [
        { data: 'test', header: true },
        { data: 'message', header: true },
        { data: 'where', header: true },
      ],
      ...result.failures.map((f) => [
        escapeHtml(failureTitle(f)),
        escapeHtml(f.message || f.type),
        f.location ? escapeHtml(`${relative(workspace, f.location.file)}:${f.location.line}`) : '',
      ]),
    ]);
  }
  if (result.compilerErrors.length > 0) {
    summary.addHeading('Compilation errors', 4);
    summary.addList(
      result.compilerErrors.map((e) => `${relative(workspace, e.file)}:${e.line}:${e.column ?? 0} ${e.message}`),
    );
  }
  if (artifact) {
    summary.addHeading('Artifact', 4);
    summary.addTable([
      [
        { data: 'path', header: true },
        { data: 'coordinates', header: true },
        { data: 'sha256', header: true },
      ],
      [
        escapeHtml(relative(workspace, artifact.path)),
        escapeHtml(`${artifact.groupId}:${artifact.artifactId}:${artifact.version}`),
        `<code>${artifact.sha256}</code>`,
      ],
    ]);
  }
  if (result.cache) {
    const c = result.cache;
    summary.addRaw(
      `Cache (${c.backend}): ${c.restoredKey ? `restored <code>${escapeHtml(c.restoredKey)}</code>` : 'no entry restored'}${c.saved ? `, saved <code>${escapeHtml(c.key)}</code>` : ''}\n`,
    );
  }
  await summary.write();
}
