// The chain a team scripts by hand, with the standard tools, timed step by step:
//   git clone; mvn verify; docker build; aws ecr get-login-password | docker login; docker push;
//   kubectl set image + kubectl rollout status in dev, test and prod.
// After the clock stops, ECR must hold the pushed digest under the commit's tag, and every
// environment's Deployment must name the new image with all its pods ready on that digest.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import { timed } from './measure.ts';
import { ENVIRONMENTS, type Environment, peerImageRef, peerNamespace } from './pipeline-cases.ts';
import { pushedDigest, registryDigest } from './pipeline-checks.ts';
import { AWS, type BenchCloud, kubectl, PEER_REPOSITORY, WORKLOAD } from './pipeline-cloud.ts';
import type { ScratchRepo } from './pipeline-repo.ts';
import type { PeerSteps } from './pipeline-results.ts';
import { checkSide } from './pipeline-verify.ts';

export interface PeerRun {
  totalMs: number;
  steps: PeerSteps;
  digest: string;
  imageRef: string;
}

export interface PeerOptions {
  cloud: BenchCloud;
  repo: ScratchRepo;
  /** The JRE base, loaded in the engine under this tag (the Dockerfile's BASE_IMAGE). */
  baseTag: string;
  /** A docker client config of the benchmark's own (the login is kept there, not in the user's). */
  dockerConfig: string;
  workDir: string;
  /** Every image tag it makes, for the clean-up at the end. */
  madeTags: Set<string>;
}

export async function runPeerChain(options: PeerOptions): Promise<PeerRun> {
  const { cloud, repo } = options;
  const checkoutDir = join(options.workDir, 'peer-checkout');
  rmSync(checkoutDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  const sha = await repo.head();
  const imageRef = peerImageRef(cloud.cloud.registry.host, PEER_REPOSITORY, sha);
  const host = cloud.cloud.registry.host;
  let pushOutput = '';
  const rollouts = {} as Record<Environment, number>;

  const started = performance.now();
  const checkout = await timed(() => repo.clone(checkoutDir));
  const mvnVerify = await timed(() =>
    execChecked('mvn', ['-o', '-B', '-q', 'verify'], { cwd: checkoutDir, timeoutMs: 600_000 }),
  );
  const dockerBuild = await timed(() =>
    execChecked('docker', ['build', '-q', '--build-arg', `BASE_IMAGE=${options.baseTag}`, '-t', imageRef, '.'], {
      cwd: checkoutDir,
      timeoutMs: 600_000,
    }),
  );
  options.madeTags.add(imageRef);
  const login = await timed(() =>
    execChecked(
      'bash',
      [
        '-c',
        'set -o pipefail; "$1" --endpoint-url "$2" ecr get-login-password | docker --config "$3" login --username AWS --password-stdin "$4"',
        'peer-login',
        AWS,
        cloud.cloud.ecr,
        options.dockerConfig,
        host,
      ],
      { env: cloud.awsEnv, timeoutMs: 120_000 },
    ),
  );
  const dockerPush = await timed(async () => {
    pushOutput = (
      await execChecked('docker', ['--config', options.dockerConfig, 'push', imageRef], { timeoutMs: 900_000 })
    ).stdout;
  });
  for (const environment of ENVIRONMENTS) {
    const namespace = peerNamespace(environment);
    rollouts[environment] = await timed(async () => {
      await kubectl(cloud, ['-n', namespace, 'set', 'image', `deployment/${WORKLOAD}`, `${WORKLOAD}=${imageRef}`]);
      await kubectl(cloud, ['-n', namespace, 'rollout', 'status', `deployment/${WORKLOAD}`, '--timeout=300s']);
    });
  }
  const totalMs = performance.now() - started;

  // ── did every step do its job (untimed) ──
  if (!existsSync(join(checkoutDir, 'target/licensing-service.jar'))) {
    throw new Error('peer mvn verify: target/licensing-service.jar is missing');
  }
  await execChecked('docker', ['image', 'inspect', '--format', '{{.Id}}', imageRef]).catch((error: unknown) => {
    throw new Error(`peer docker build: no image ${imageRef}`, { cause: error });
  });
  const digest = pushedDigest(pushOutput);
  const tag = imageRef.slice(imageRef.lastIndexOf(':') + 1);
  const described = await execChecked(
    AWS,
    [
      '--endpoint-url',
      cloud.cloud.ecr,
      'ecr',
      'describe-images',
      '--repository-name',
      PEER_REPOSITORY,
      '--image-ids',
      `imageTag=${tag}`,
      '--output',
      'json',
    ],
    { env: cloud.awsEnv },
  );
  const held = registryDigest(described.stdout, tag);
  if (held !== digest) throw new Error(`peer docker push: ECR holds ${held} for ${tag}, docker pushed ${digest}`);
  await checkSide(cloud, 'peer', digest, imageRef, peerNamespace);
  rmSync(checkoutDir, { recursive: true, force: true });
  return {
    totalMs,
    steps: { checkout, mvnVerify, dockerBuild, login, dockerPush, rollouts },
    digest,
    imageRef,
  };
}
