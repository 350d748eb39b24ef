import { relative } from 'node:path';
import { coreLogger, runAction, setOutput } from '@bakeline/action-io';
import { actionsToolCache, runMavenBuild, selectCacheBackend } from '@bakeline/maven';
import { annotateResult, failureReason } from './annotations.ts';
import { onCancel } from './cancellation.ts';
import { readInputs } from './inputs.ts';
import { writeSummary } from './summary.ts';

async function build(signal: AbortSignal): Promise<void> {
  const inputs = await readInputs();
  const { workspace, maven } = inputs;
  const result = await runMavenBuild({
    workingDirectory: inputs.workingDirectory,
    goals: inputs.goals,
    arguments: inputs.arguments,
    useWrapper: inputs.useWrapper,
    sourceDateEpoch: inputs.sourceDateEpoch,
    logger: coreLogger,
    tempDir: inputs.tempDir,
    signal,
    setup: {
      mirror: maven.mirror,
      toolCache: actionsToolCache,
      ...(maven.version ? { version: maven.version } : {}),
      ...(maven.sha512 ? { sha512: maven.sha512 } : {}),
    },
    ...(inputs.server ? { server: inputs.server } : {}),
    ...(inputs.settingsFile ? { settingsFile: inputs.settingsFile } : {}),
    ...(inputs.module ? { module: inputs.module } : {}),
    ...(inputs.artifactPattern ? { artifactPattern: inputs.artifactPattern } : {}),
    ...(inputs.cache
      ? {
          cache: {
            backend: selectCacheBackend(inputs.cache.dir),
            ...(inputs.cache.path ? { path: inputs.cache.path } : {}),
          },
        }
      : {}),
  });

  const { tests, artifact, cache } = result;
  setOutput('tests-total', tests.total);
  setOutput('tests-passed', tests.passed);
  setOutput('tests-failed', tests.failed);
  setOutput('tests-skipped', tests.skipped);
  setOutput('report-paths', tests.files.map((f) => relative(workspace, f)).join('\n'));
  setOutput('cache-hit', String(cache !== undefined && cache.restoredKey === cache.key));
  if (artifact) {
    setOutput('artifact', artifact.path);
    setOutput('artifact-sha256', artifact.sha256);
    setOutput('group-id', artifact.groupId);
    setOutput('artifact-id', artifact.artifactId);
    setOutput('version', artifact.version);
  }
  annotateResult(result, workspace);
  await writeSummary(result, workspace);
  const reason = failureReason(result, workspace);
  if (reason) throw new Error(reason);
}

export async function run(): Promise<void> {
  const cancellation = onCancel(coreLogger);
  try {
    await runAction(async () => {
      await build(cancellation.signal);
      // a cancel that came as the build was ending still fails the step, as the runner reports it
      cancellation.throwIfCancelled();
    });
  } finally {
    cancellation.dispose();
  }
}
