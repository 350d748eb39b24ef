import { relative } from 'node:path';
import { ActionsCache, FilesystemCache, runMavenBuild } from '@bakeline/maven';
import { annotate, coreLogger, setOutput } from '@bakeline/toolkit';
import { readInputs } from './inputs.ts';
import { failureTitle, writeSummary } from './summary.ts';

export async function run(): Promise<void> {
  const inputs = await readInputs();
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const backend = ActionsCache.available() ? new ActionsCache() : new FilesystemCache(inputs.cache?.dir ?? '');
  const result = await runMavenBuild({
    workingDirectory: inputs.workingDirectory,
    goals: inputs.goals,
    arguments: inputs.arguments,
    useWrapper: inputs.useWrapper,
    sourceDateEpoch: inputs.sourceDateEpoch,
    logger: coreLogger,
    ...(inputs.settingsFile ? { settingsFile: inputs.settingsFile } : {}),
    ...(inputs.module ? { module: inputs.module } : {}),
    ...(inputs.artifactPattern ? { artifactPattern: inputs.artifactPattern } : {}),
    ...(inputs.cache ? { cache: { backend, path: inputs.cache.path } } : {}),
  });
  const { tests } = result;
  setOutput('tests-total', tests.total);
  setOutput('tests-passed', tests.passed);
  setOutput('tests-failed', tests.failed);
  setOutput('tests-skipped', tests.skipped);
  setOutput('report-paths', tests.files.map((f) => relative(workspace, f)).join('\n'));
  setOutput('cache-hit', String(result.cache !== undefined && result.cache.restoredKey === result.cache.key));
  if (result.artifact) {
    setOutput('artifact', result.artifact.path);
    setOutput('artifact-sha256', result.artifact.sha256);
    setOutput('group-id', result.artifact.groupId);
    setOutput('artifact-id', result.artifact.artifactId);
    setOutput('version', result.artifact.version);
  }
  for (const f of result.failures) {
    annotate({
      level: 'error',
      title: failureTitle(f),
      message: f.message || f.type || `${f.kind} in ${f.method}`,
      ...(f.location ? { file: relative(workspace, f.location.file), line: f.location.line } : {}),
    });
  }
  for (const e of result.compilerErrors) {
    annotate({
      level: 'error',
      title: 'Compilation error',
      message: e.message,
      file: relative(workspace, e.file),
      line: e.line,
      ...(e.column ? { column: e.column } : {}),
    });
  }
  await writeSummary(result, workspace);
  if (result.failures.length > 0) {
    throw new Error(`${result.failures.length} test(s) failed: ${result.failures.map(failureTitle).join(', ')}`);
  }
  if (result.compilerErrors.length > 0) {
    throw new Error(
      `compilation failed with ${result.compilerErrors.length} error(s); first: ${relative(workspace, result.compilerErrors[0]?.file ?? '')}:${result.compilerErrors[0]?.line}`,
    );
  }
  if (result.exitCode !== 0) throw new Error(`Maven failed with exit code ${result.exitCode} (see the log above)`);
}
