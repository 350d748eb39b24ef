import { coreLogger, setOutput } from '@bakeline/action-io';
import { bake } from '@bakeline/bake';
import { formatBytes } from '@bakeline/toolkit';
import { onRunnerCancel } from './cancellation.ts';
import { type Inputs, readInputs } from './inputs.ts';
import { writeSbom, writeSbomSummary } from './sbom-step.ts';
import { writeSummary } from './summary.ts';

export async function run(): Promise<void> {
  const inputs = await readInputs();
  const cancellation = onRunnerCancel(coreLogger);
  try {
    await bakeAndReport(inputs, cancellation.signal);
    // a cancel that came as the bake was ending still fails the step, as the runner reports it
    cancellation.throwIfCancelled();
  } catch (error: unknown) {
    // the bake has cleaned up by now; say that it was cancelled, not what the killed command printed
    throw cancellation.explain(error);
  } finally {
    cancellation.dispose();
  }
}

async function bakeAndReport(inputs: Inputs, signal: AbortSignal): Promise<void> {
  const common = {
    signal,
    outputDir: inputs.outputDir,
    sourceDateEpoch: inputs.sourceDateEpoch,
    annotations: inputs.annotations,
    labels: inputs.labels,
    logger: coreLogger,
    dockerConfigPath: inputs.dockerConfigPath,
    pullCacheDir: inputs.pullCacheDir,
    ...(inputs.baseCredentials ? { baseCredentials: inputs.baseCredentials } : {}),
  };
  coreLogger.info(`builder: ${inputs.builder}; SOURCE_DATE_EPOCH=${inputs.sourceDateEpoch}`);
  const result =
    inputs.builder === 'jar' && inputs.jarPath && inputs.base
      ? await bake({ ...common, builder: 'jar', jarPath: inputs.jarPath, base: inputs.base, settings: inputs.jar })
      : await bake({
          ...common,
          builder: 'dockerfile',
          context: inputs.context,
          dockerfile: inputs.dockerfile,
          buildArgs: inputs.buildArgs,
          noCache: inputs.noCache,
          layerCacheDir: inputs.layerCacheDir,
          ...(inputs.base ? { base: inputs.base } : {}),
        });

  setOutput('digest', result.digest);
  setOutput('config-digest', result.configDigest);
  setOutput('image', `${inputs.imageName}@${result.digest}`);
  setOutput('tags', inputs.tags.join('\n'));
  setOutput('layout-path', result.layoutDir);
  setOutput('archive-path', result.archivePath ?? '');
  setOutput('size', String(result.size));
  setOutput('base-digest', result.baseDigest ?? '');
  const sbom = await writeSbom(inputs, result, signal);
  setOutput('sbom-path', sbom.path);
  coreLogger.info(`${inputs.imageName}@${result.digest} (${formatBytes(result.size)}, ${result.layers.length} layers)`);
  if (result.engine) {
    coreLogger.info(
      `engine image store: ${result.engine.imageStore}; once loaded or pulled, its image ID is the ${result.engine.imageIdIs === 'config-digest' ? `config digest ${result.configDigest}` : `manifest digest ${result.digest}`}`,
    );
  }
  await writeSummary(inputs.imageName, inputs.tags, result);
  await writeSbomSummary(sbom);
}
