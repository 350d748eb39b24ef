import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { environmentCredentials, webIdentityCredentials } from '@bakeline/aws';
import { coreLogger, maskSecret, setOutput } from '@bakeline/toolkit';
import { readInputs } from './inputs.ts';
import { pushToEcr, verifiedImage } from './push.ts';
import { writeSummary } from './summary.ts';

export async function run(): Promise<void> {
  const inputs = readInputs();
  const started = Date.now();
  const { image, cleanup } = await verifiedImage(inputs, process.env.RUNNER_TEMP ?? tmpdir(), coreLogger);
  try {
    const credentials = inputs.roleToAssume
      ? webIdentityCredentials({
          roleArn: inputs.roleToAssume,
          sessionName: inputs.roleSessionName,
          region: inputs.region,
          idToken: () => core.getIDToken(inputs.audience),
          mask: maskSecret,
          ...(inputs.stsEndpoint ? { stsEndpoint: inputs.stsEndpoint } : {}),
        })
      : environmentCredentials(process.env, maskSecret);
    const result = await pushToEcr(image, inputs, credentials, coreLogger);
    setOutput('image-uri', result.imageUri);
    setOutput('digest', result.digest);
    setOutput('registry', result.registry);
    setOutput('repository-uri', result.repositoryUri);
    setOutput('pushed-bytes', result.pushedBytes);
    setOutput('skipped-blobs', result.skippedBlobs.length);
    setOutput('mounted-blobs', result.mountedBlobs.length);
    if (result.findings) setOutput('scan-findings', JSON.stringify(result.findings));
    await writeSummary(result, Date.now() - started);
    const gated = Object.entries(result.gate);
    if (gated.length > 0) {
      throw new Error(
        `the image scan found ${gated.map(([s, n]) => `${n} ${s}`).join(', ')} (at or above ${inputs.failOnSeverity}); ${result.imageUri} was pushed but must not be deployed`,
      );
    }
  } finally {
    cleanup();
  }
}
