// ecr-push: verify the layout against the digest, get AWS credentials (GitHub OIDC or the SDK's chain),
// push the exact bytes to ECR, write outputs and the summary, then apply the scan gate.
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { coreLogger, maskSecret, setOutput } from '@bakeline/action-io';
import { type CredentialsProvider, credentialChain, pushImageToEcr, scanGateMessage } from '@bakeline/aws';
import { attestPushed } from './attest-pushed.ts';
import { pushCancellation } from './cancellation.ts';
import { verifiedImage } from './image-source.ts';
import { type Inputs, readInputs } from './inputs.ts';
import { writeSummary } from './summary.ts';

function credentialsFor(inputs: Inputs): CredentialsProvider {
  return credentialChain({
    region: inputs.region,
    roleSessionName: inputs.roleSessionName,
    idToken: () => core.getIDToken(inputs.audience),
    mask: maskSecret,
    logger: coreLogger,
    ...(inputs.roleToAssume ? { roleToAssume: inputs.roleToAssume } : {}),
    ...(inputs.stsEndpoint ? { stsEndpoint: inputs.stsEndpoint } : {}),
  });
}

const RERUN =
  're-running the job is safe: pushes are idempotent (blobs already there are skipped; a tag already naming this digest is kept)';

export async function run(): Promise<void> {
  const inputs = readInputs();
  if (inputs.attest?.githubToken) maskSecret(inputs.attest.githubToken);
  const cancellation = pushCancellation({
    what: 'ecr-push',
    rerun: RERUN,
    log: (line) => core.info(line),
    fail: (message) => core.setFailed(message),
    exit: (code) => process.exit(code),
  }).install();
  let cleanup = () => {};
  try {
    const verified = await verifiedImage(inputs, process.env.RUNNER_TEMP ?? tmpdir(), coreLogger, {
      track: (dir) => cancellation.track(dir),
      signal: cancellation.signal,
    });
    cleanup = verified.cleanup;
    const credentials = credentialsFor(inputs);
    const result = await pushImageToEcr({
      image: verified.image,
      repository: inputs.repository,
      tags: inputs.tags,
      region: inputs.region,
      registry: inputs.registry,
      credentials,
      createRepository: inputs.createRepository,
      concurrency: inputs.concurrency,
      mask: maskSecret,
      logger: coreLogger,
      registryOptions: { signal: cancellation.signal },
      ...(inputs.ecrEndpoint ? { ecrEndpoint: inputs.ecrEndpoint } : {}),
      ...(inputs.lifecyclePolicy !== undefined ? { lifecyclePolicy: inputs.lifecyclePolicy } : {}),
      ...(inputs.scan === 'wait' ? { scan: { timeoutMs: inputs.scanTimeoutMs, failOn: inputs.failOnSeverity } } : {}),
    });
    setOutput('image-uri', result.imageUri);
    setOutput('digest', result.digest);
    setOutput('registry', result.registry);
    setOutput('repository-uri', result.repositoryUri);
    setOutput('pushed-bytes', String(result.pushedBytes));
    setOutput('skipped-blobs', String(result.skippedBlobs.length));
    setOutput('mounted-blobs', String(result.mountedBlobs.length));
    if (result.scan) setOutput('scan-findings', JSON.stringify(result.scan.counts));
    await writeSummary(result, inputs.failOnSeverity);
    if (inputs.failOnSeverity !== 'none' && Object.keys(result.blocked).length > 0) {
      throw new Error(scanGateMessage(result, inputs.failOnSeverity));
    }
    if (inputs.attest) {
      const stored = await attestPushed({
        pushed: { ...result, repository: inputs.repository },
        attest: inputs.attest,
        region: inputs.region,
        credentials,
        ecrEndpoint: inputs.ecrEndpoint,
        env: process.env,
        mask: maskSecret,
        logger: coreLogger,
      });
      setOutput('attestations', stored.map((s) => s.referrer).join('\n'));
    }
    // a cancel that came as the push was ending still fails the step, as the runner reports it
    cancellation.throwIfCancelled();
  } catch (error: unknown) {
    throw cancellation.explain(error);
  } finally {
    cleanup();
    cancellation.dispose();
  }
}
