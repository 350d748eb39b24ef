import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { runPlatformTest } from '@bakeline/platform';
import { coreLogger, maskSecret, saveState, setOutput } from '@bakeline/toolkit';
import { readInputs } from './inputs.ts';
import { writeSummary } from './summary.ts';

export async function run(signal: AbortSignal): Promise<void> {
  const inputs = readInputs();
  for (const value of Object.values(inputs.secretEnv)) maskSecret(value);
  // Saved first, so the post step can remove what this run started even after a cancellation.
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  saveState('run-id', runId);
  const result = await runPlatformTest({
    ...(inputs.source ? { source: inputs.source } : {}),
    ...(inputs.digest ? { digest: inputs.digest } : {}),
    ...(inputs.baseUrl ? { baseUrl: inputs.baseUrl } : {}),
    spec: inputs.spec,
    env: inputs.env,
    secretEnv: inputs.secretEnv,
    startupTimeoutMs: inputs.startupTimeoutMs,
    keepOnFailure: inputs.keepOnFailure,
    runId,
    workDir: process.env.RUNNER_TEMP ?? tmpdir(),
    junitPath: inputs.junitPath,
    logger: coreLogger,
    signal,
  });
  if (result.failed > 0 && inputs.keepOnFailure) saveState('keep', 'true');
  setOutput('passed', result.passed);
  setOutput('failed', result.failed);
  setOutput('junit-path', inputs.junitPath);
  await writeSummary(result, inputs.baseUrl ?? inputs.digest ?? 'image');
  if (result.containerLog !== undefined) {
    await coreLogger.group('Container log (last 100 lines)', async () => coreLogger.info(result.containerLog ?? ''));
  }
  if (signal.aborted) throw new Error('cancelled; the containers were removed');
  if (result.failed > 0) {
    const failed = result.results.filter((r) => r.status === 'failed');
    throw new Error(`${failed.length} check(s) failed: ${failed.map((r) => `${r.name} (${r.message})`).join('; ')}`);
  }
}
