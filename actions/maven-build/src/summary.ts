// The job summary: the outcome and test counts, each failed test with its message and place, the
// compiler errors, the artifact, the cache.
import { relative } from 'node:path';
import { summary } from '@bakeline/action-io';
import { displayCommand, type LocatedFailure, type MavenBuildResult } from '@bakeline/maven';
import { escapeHtml, formatDuration } from '@bakeline/toolkit';

export function failureTitle(f: LocatedFailure): string {
  return `${f.className.split('.').at(-1)}.${f.method}`;
}

const header = (...names: string[]) => names.map((data) => ({ data, header: true }));
const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

export async function writeSummary(result: MavenBuildResult, workspace: string): Promise<void> {
  const { tests, artifact, cache } = result;
  const ok = result.exitCode === 0 && tests.failed === 0;
  summary.addHeading(`${ok ? '✅' : '❌'} Maven build ${ok ? 'passed' : 'failed'}`, 3);
  summary.addTable([
    header('tests', 'passed', 'failed', 'skipped', 'flaky', 'duration'),
    [tests.total, tests.passed, tests.failed, tests.skipped, tests.flaky]
      .map(String)
      .concat(formatDuration(result.durationMs)),
  ]);
  if (result.failures.length > 0) {
    summary.addHeading('Failed tests', 4);
    summary.addTable([
      header('test', 'message', 'where'),
      ...result.failures.map((f) => [
        escapeHtml(`${f.className}.${f.method}`),
        escapeHtml(f.message || f.type).replace(/\n/g, '<br>'),
        f.location ? code(`${relative(workspace, f.location.file)}:${f.location.line}`) : '',
      ]),
    ]);
  }
  if (result.compilerErrors.length > 0) {
    summary.addHeading('Compilation errors', 4);
    summary.addList(
      result.compilerErrors.map(
        (e) => `${code(`${relative(workspace, e.file)}:${e.line}:${e.column ?? 0}`)} ${escapeHtml(e.message)}`,
      ),
    );
  }
  if (result.reactor.some((m) => m.status !== 'SUCCESS')) {
    summary.addHeading('Modules', 4);
    summary.addTable([header('module', 'outcome'), ...result.reactor.map((m) => [escapeHtml(m.name), m.status])]);
  }
  if (result.noArtifactReason) summary.addRaw(`<p>${escapeHtml(result.noArtifactReason)}</p>\n`);
  if (result.installed?.url) {
    summary.addRaw(
      `<p>Maven ${escapeHtml(result.installed.version)} installed from ${code(result.installed.url)}</p>\n`,
    );
  }
  if (artifact) {
    summary.addHeading('Artifact', 4);
    summary.addTable([
      header('path', 'coordinates', 'sha256'),
      [
        escapeHtml(relative(workspace, artifact.path)),
        escapeHtml(`${artifact.groupId}:${artifact.artifactId}:${artifact.version}`),
        code(artifact.sha256),
      ],
    ]);
  }
  summary.addRaw(`<p>Command: ${code(displayCommand(result.command))}</p>\n`);
  if (cache) {
    const restored = cache.restoredKey
      ? `restored ${code(cache.restoredKey)}${cache.restoredKey === cache.key ? '' : ' (by prefix)'}`
      : 'nothing restored';
    summary.addRaw(`<p>Cache (${cache.backend}): ${restored}${cache.saved ? `, saved ${code(cache.key)}` : ''}</p>\n`);
  }
  await summary.write();
}
