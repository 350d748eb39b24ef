// The local clouds the pipeline benchmark runs against: the main job's (warm cases), and a new
// one per cold-registry run (an empty registry on a new port: no client can skip or mount a blob
// it pushed before). Also the peer's own setup in a cloud, done once and untimed, as a team's
// repository and Deployments exist before its script runs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import { type RunningCloud, readEndpoints } from '../packages/local-cloud/src/cloud/state-files.ts';
import { writeEnvironmentsFile } from '../scripts/main/environments-file.ts';
import { ensureLocalCloud, type MainCloud, stopLocalCloud } from '../scripts/main/local-cloud.ts';
import { ENVIRONMENTS, namespaceManifest, peerKustomization, peerNamespace } from './pipeline-cases.ts';

/** The repository the local cloud's roles trust (the main job's). */
export const GITHUB_REPOSITORY = 'bakeline-dev/licensing-service';
export const WORKLOAD = 'licensing-service';
/** bakeline's ECR repository is the one the example's caller workflow names; the peer has its own. */
export const BAKELINE_REPOSITORY = 'ostock/licensing-service';
export const PEER_REPOSITORY = 'ostock/licensing-service-peer';

export interface BenchCloud {
  stateDir: string;
  cloud: MainCloud;
  running: RunningCloud;
  /** The service's variables and environments for this cloud (the runner's environments file). */
  environmentsFile: string;
  /** Environment of the real aws CLI for the peer: the cloud's IAM user, no profile, no pager. */
  awsEnv: Record<string, string | undefined>;
}

export async function openCloud(options: {
  root: string;
  stateDir: string;
  repoDir: string;
  baseImage: string;
  workDir: string;
}): Promise<BenchCloud> {
  const cloud = await ensureLocalCloud(options.root, options.stateDir, GITHUB_REPOSITORY);
  const running = readEndpoints(options.stateDir);
  if (!running) throw new Error(`local cloud: no endpoints.json in ${options.stateDir} after its start`);
  mkdirSync(options.workDir, { recursive: true });
  const environmentsFile = join(options.workDir, 'environments.yml');
  writeEnvironmentsFile(
    join(options.repoDir, '.github/environments.local.yml'),
    environmentsFile,
    cloud,
    options.baseImage,
  );
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: running.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: running.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: running.region,
    AWS_DEFAULT_REGION: running.region,
    AWS_CONFIG_FILE: join(options.workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(options.workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  return { stateDir: options.stateDir, cloud, running, environmentsFile, awsEnv };
}

/** Debian's awscli 2.9 (it ignores AWS_ENDPOINT_URL_*): the endpoint goes on the command line. */
export const AWS = '/usr/bin/aws';

export function kubectl(cloud: BenchCloud, args: string[], input?: string) {
  return execChecked('kubectl', ['--kubeconfig', cloud.cloud.kube.kubeconfig, ...args], {
    timeoutMs: 300_000,
    ...(input === undefined ? {} : { input }),
  });
}

/**
 * The peer's repository (mutable tags, as `aws ecr create-repository` makes it: the hand-written
 * chain re-pushes the commit's tag) and its Deployments, one per environment in its own namespace,
 * rendered from the same overlays. Untimed; what exists is left as it is.
 */
export async function preparePeer(cloud: BenchCloud, repoDir: string, workDir: string): Promise<void> {
  const describe = await execChecked(
    AWS,
    ['--endpoint-url', cloud.cloud.ecr, 'ecr', 'describe-repositories', '--repository-names', PEER_REPOSITORY],
    { env: cloud.awsEnv },
  ).catch(() => undefined);
  if (!describe) {
    await execChecked(
      AWS,
      ['--endpoint-url', cloud.cloud.ecr, 'ecr', 'create-repository', '--repository-name', PEER_REPOSITORY],
      { env: cloud.awsEnv },
    );
  }
  for (const environment of ENVIRONMENTS) {
    const namespace = peerNamespace(environment);
    const exists = await kubectl(cloud, ['-n', namespace, 'get', 'deployment', WORKLOAD, '-o', 'name']).catch(
      () => undefined,
    );
    if (exists) continue;
    const dir = join(workDir, 'peer-k8s', environment);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'namespace.yaml'), namespaceManifest(environment));
    const overlay = relative(dir, join(repoDir, 'k8s/overlays', environment));
    writeFileSync(join(dir, 'kustomization.yaml'), peerKustomization(overlay, environment));
    await kubectl(cloud, ['apply', '-f', join(dir, 'namespace.yaml')]);
    await kubectl(cloud, ['apply', '-k', dir]);
  }
}

/** Stops a cloud the benchmark started for one run, removes its state and the image references its kubelet pulled. */
export async function discardCloud(root: string, cloud: BenchCloud): Promise<void> {
  await stopLocalCloud(root, cloud.stateDir);
  rmSync(cloud.stateDir, { recursive: true, force: true });
  const host = cloud.cloud.registry.host;
  const listed = await execChecked('docker', [
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}',
  ]);
  const refs = listed.stdout
    .split('\n')
    .flatMap((line) => line.split(' '))
    .filter((ref) => ref.startsWith(`${host}/`) && !ref.endsWith(':<none>') && !ref.endsWith('@<none>'));
  if (refs.length > 0) await execChecked('docker', ['rmi', ...new Set(refs)]).catch(() => undefined);
}

/** Removes the peer's namespaces (its Deployments and pods) from a cloud that stays up. */
export async function removePeer(cloud: BenchCloud): Promise<void> {
  const namespaces = ENVIRONMENTS.map(peerNamespace);
  await kubectl(cloud, ['delete', 'namespace', ...namespaces, '--ignore-not-found', '--wait=false']);
}
