import { coreLogger, maskSecret, setOutput } from '@bakeline/action-io';
import { digestRunningIn, PromotionFailedError, pinnedImage, promote } from '@bakeline/kube';
import { errorMessage } from '@bakeline/toolkit';
import { explainAccessError } from './access-errors.ts';
import { verifyBeforeDeploy } from './attestation-gate.ts';
import { connect, describeIdentity } from './cluster.ts';
import { GithubApi } from './github-api.ts';
import { GithubDeployment, runContextFromEnv } from './github-deployment.ts';
import { deploymentRef } from './image-revision.ts';
import { readInputs } from './inputs.ts';
import { resolveManifests } from './manifest-source.ts';
import { printDiagnostics, writeFailureSummary, writeSuccessSummary } from './summary.ts';

export async function run(signal: AbortSignal): Promise<void> {
  const inputs = readInputs();
  const github = inputs.githubDeployment;
  const context = github ? runContextFromEnv(process.env, inputs.jobCheckRunId) : undefined;
  const started = Date.now();
  const target = await connect(inputs.target, inputs);
  let image: string;
  const targetAccess = { ...describeIdentity(inputs.target), namespace: inputs.namespace };
  if (inputs.source.kind === 'environment') {
    const sourceAccess = { ...describeIdentity(inputs.source.cluster), namespace: inputs.source.namespace };
    const source = await connect(inputs.source.cluster, inputs);
    const running = await digestRunningIn(
      source.client,
      inputs.source.namespace,
      inputs.workloads,
      undefined,
      inputs.container,
    )
      .catch((error: unknown) => {
        throw explainAccessError(error, sourceAccess);
      })
      .finally(() => source.client.close());
    coreLogger.info(`${inputs.source.environment} runs ${running.image}`);
    image = running.image;
  } else {
    image = inputs.source.allowTag ? await target.resolveTag(inputs.source.image) : inputs.source.image;
  }
  const pinned = pinnedImage(image);
  const digest = pinned?.digest ?? '';
  // Before any write (cluster or GitHub): the digest must prove where it comes from.
  const attested = await verifyBeforeDeploy({
    image,
    digest,
    inputs: inputs.attestations,
    registryCredentials: () => target.registryCredentials(image),
    logger: coreLogger,
  }).catch((error: unknown) => {
    target.client.close();
    throw error;
  });
  setOutput('verified', attested.line);
  const manifests = await resolveManifests(inputs.manifests, {
    image,
    readRevision: target.readRevision,
    logger: coreLogger,
    ...(process.env.RUNNER_TEMP ? { tempDir: process.env.RUNNER_TEMP } : {}),
  }).catch((error: unknown) => {
    target.client.close();
    throw error;
  });
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const deployment =
    github && context
      ? await GithubDeployment.open({
          api: new GithubApi({ apiUrl: context.apiUrl, token: github.token }),
          context,
          environment: inputs.environment,
          environmentUrl: github.environmentUrl,
          image,
          digest,
          ref: await deploymentRef(image, context.sha, target.readRevision, coreLogger),
          logger: coreLogger,
        }).catch(async (error: unknown) => {
          target.client.close();
          throw error;
        })
      : undefined;
  const changeCause = `bakeline eks-promote ${digest} at ${process.env.GITHUB_SHA ?? 'unknown commit'} (${server}/${process.env.GITHUB_REPOSITORY ?? ''}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''})`;
  try {
    const result = await promote({
      client: target.client,
      namespace: inputs.namespace,
      workloads: inputs.workloads,
      image,
      manifests: manifests.files,
      timeoutMs: inputs.timeoutMs,
      stuckGraceMs: inputs.stuckGraceMs,
      rollbackOnFailure: inputs.rollbackOnFailure,
      changeCause,
      logger: coreLogger,
      mask: maskSecret,
      signal,
      ...(inputs.container ? { container: inputs.container } : {}),
    });
    setOutput('image', image);
    setOutput('digest', result.digest);
    setOutput('previous-digest', result.previousDigest ?? '');
    setOutput('revision', String(Math.max(0, ...result.workloads.map((w) => w.revision))));
    setOutput('rolled-back', 'false');
    await deployment?.finish({ state: 'success', revision: Math.max(0, ...result.workloads.map((w) => w.revision)) });
    await writeSuccessSummary(inputs.environment, inputs.namespace, result, Date.now() - started);
  } catch (error: unknown) {
    // outputs say what runs now: after a failure, the digest the ready pods run (not the one asked for)
    const running = error instanceof PromotionFailedError ? error.runningDigest : undefined;
    setOutput('image', running && pinned ? `${pinned.repository}@${running}` : '');
    setOutput('digest', running ?? '');
    if (!(error instanceof PromotionFailedError)) {
      // thrown before the first write: nothing was changed, as the messages say
      const explained = explainAccessError(error, targetAccess);
      await deployment?.finish({ state: 'error', reason: errorMessage(explained) });
      throw explained;
    }
    await deployment?.finish(
      error.cancelled ? { state: 'cancelled' } : { state: 'failure', rolledBack: error.rolledBack },
    );
    setOutput('rolled-back', String(error.rolledBack));
    if (error.diagnostics) await printDiagnostics(coreLogger, error.diagnostics);
    const message = `Promotion of ${image} to ${inputs.environment} failed: ${errorMessage(error)}; ${error.outcome}`;
    await writeFailureSummary(inputs.environment, message, error);
    throw new Error(message, { cause: error });
  } finally {
    target.client.close();
    await manifests.cleanup();
  }
}
