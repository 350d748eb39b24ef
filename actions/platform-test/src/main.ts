import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { coreLogger, runAction, saveState, setOutput } from '@bakeline/action-io';
import { DockerCli, LABEL, type Resources, runPlatformTest } from '@bakeline/platform';
import { onCancel } from './cancellation.ts';
import { readInputs } from './inputs.ts';
import { printContainerLog, writeSummary } from './report.ts';
import { platformTestPredicate, testResultPath, writeTestResult } from './test-result.ts';

export async function run(): Promise<void> {
  let resources: Resources = { containers: [], networks: [] };
  const runId = `${process.env.GITHUB_RUN_ID ?? 'local'}-${randomBytes(4).toString('hex')}`;
  const removeNow = () => new DockerCli().remove({ ...resources, label: `${LABEL}=${runId}` });
  const cancellation = onCancel(removeNow, coreLogger);
  try {
    await runAction(async () => {
      // secret-env values are masked inside readInputs, before any other input is read
      const inputs = readInputs();
      // Saved before anything starts, so the post step can remove what this run leaves behind.
      saveState('run-id', runId);
      const result = await runPlatformTest({
        ...inputs,
        runId,
        workDir: process.env.RUNNER_TEMP ?? tmpdir(),
        logger: coreLogger,
        signal: cancellation.signal,
        onResources: (started) => {
          resources = started;
          saveState('containers', started.containers.join(' '));
          saveState('networks', started.networks.join(' '));
        },
      }).catch((error: unknown) => {
        if (cancellation.signal.aborted)
          throw new Error('platform test cancelled before the checks ran', { cause: error });
        throw error;
      });
      if (result.kept) saveState('keep', 'true');
      setOutput('passed', result.passed);
      setOutput('failed', result.failed);
      setOutput('skipped', result.skipped);
      setOutput('junit-path', inputs.junitPath);
      if (!result.cancelled && inputs.target.kind !== 'url') {
        const path = testResultPath(inputs.junitPath);
        writeTestResult(path, platformTestPredicate(result, inputs.specPath, process.env));
        setOutput('test-result-path', path);
      }
      if (result.image) setOutput('image-id', result.image.id);
      await writeSummary(result, inputs.target.kind === 'url' ? inputs.target.baseUrl : (result.image?.digest ?? ''));
      if (result.containerLog !== undefined) await printContainerLog(result.containerLog, coreLogger);
      if (result.cancelled) throw new Error('platform test cancelled; its containers were removed');
      const failed = result.results.filter((r) => r.status === 'failed');
      if (failed.length > 0) {
        throw new Error(
          `${failed.length} check(s) failed: ${failed.map((r) => `${r.name} (${r.message})`).join('; ')}`,
        );
      }
      // a cancel that came as the run was ending still fails the step, as the runner reports it
      cancellation.throwIfCancelled();
    });
  } finally {
    cancellation.dispose();
  }
}
