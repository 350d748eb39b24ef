// The push itself, given credentials: verified image -> ECR login -> repository -> blobs and
// manifest (by digest, then tags, never overwriting) -> scan gate.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CredentialsProvider, Ecr, findingsAtOrAbove, type Severity } from '@bakeline/aws';
import {
  type Digest,
  type LoadedImage,
  type PushResult,
  RegistryClient,
  unpackLayout,
  verifyLayout,
} from '@bakeline/oci';
import { type Logger, maskSecret } from '@bakeline/toolkit';
import type { Inputs } from './inputs.ts';

export interface EcrPushResult extends PushResult {
  registry: string;
  repositoryUri: string;
  imageUri: string;
  createdRepository: boolean;
  findings: Partial<Record<Severity, number>> | undefined;
  gate: Partial<Record<Severity, number>>;
}

/** Verifies the layout (or archive) against the digest before any network call. */
export async function verifiedImage(
  inputs: Inputs,
  workDir: string,
  logger: Logger,
): Promise<{ image: LoadedImage; cleanup: () => void }> {
  let layout = inputs.layout ?? '';
  let scratch: string | undefined;
  if (inputs.archive) {
    scratch = mkdtempSync(join(workDir, 'ecr-push-'));
    layout = join(scratch, 'layout');
    await unpackLayout(inputs.archive, layout);
  }
  const image = await verifyLayout(layout, inputs.digest);
  logger.info(`${inputs.digest}: the manifest and its ${image.manifest.layers.length + 1} blobs match their digests`);
  return { image, cleanup: () => scratch && rmSync(scratch, { recursive: true, force: true }) };
}

export async function pushToEcr(
  image: LoadedImage,
  inputs: Inputs,
  credentials: CredentialsProvider,
  logger: Logger,
): Promise<EcrPushResult> {
  const ecr = new Ecr({
    region: inputs.region,
    credentials,
    ...(inputs.registryId ? { registryId: inputs.registryId } : {}),
    ...(inputs.ecrEndpoint ? { endpoint: inputs.ecrEndpoint } : {}),
  });
  try {
    const login = await ecr.login(maskSecret);
    const repo = await ecr.ensureRepository(inputs.repository, {
      create: inputs.createRepository,
      ...(inputs.lifecyclePolicy ? { lifecyclePolicy: inputs.lifecyclePolicy } : {}),
    });
    if (repo.created) logger.info(`created ${repo.uri} (IMMUTABLE tags, scan on push)`);
    const mountFrom = await ecr.mountCandidates(inputs.repository);
    const client = new RegistryClient({
      registry: login.registry,
      credentials: async () => {
        const fresh = await ecr.login(maskSecret);
        return { username: fresh.username, password: fresh.password };
      },
      concurrency: inputs.concurrency,
      logger,
    });
    const pushed = await client.pushImage(image, { repository: inputs.repository, tags: inputs.tags, mountFrom });
    if (pushed.digest !== (inputs.digest as Digest)) {
      throw new Error(`ECR answered ${pushed.digest} for ${inputs.repository}, expected ${inputs.digest}`);
    }
    let findings: EcrPushResult['findings'];
    let gate: EcrPushResult['gate'] = {};
    if (inputs.scan === 'wait') {
      findings = await logger.group('Wait for the image scan', () =>
        ecr.scanFindings(inputs.repository, inputs.digest, inputs.scanTimeoutMs),
      );
      if (inputs.failOnSeverity !== 'none') gate = findingsAtOrAbove(findings, inputs.failOnSeverity);
    }
    const repositoryUri = `${login.registry}/${inputs.repository}`;
    return {
      ...pushed,
      registry: login.registry,
      repositoryUri,
      imageUri: `${repositoryUri}@${pushed.digest}`,
      createdRepository: repo.created,
      findings,
      gate,
    };
  } finally {
    ecr.destroy();
  }
}
