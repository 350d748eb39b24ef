// Starts the local cloud for the main job when it is not running (the CLI's `start` is
// idempotent: it answers with the running cloud's endpoints), and reads its endpoints. The cloud
// holds no pipeline roles of its own: `terraform apply` of the example sets up its IAM, ECR
// repository and EKS access entries (terraform-setup.ts), and the saved state keeps them.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execChecked } from '@bakeline/toolkit';

export interface MainCloud {
  accountId: string;
  region: string;
  githubRepository: string;
  oidc: { issuer: string; idTokenGrantUrl: string };
  iam: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Fulcio, Rekor and the trusted root (`<url>/trusted-root.json`). */
  sigstore: { url: string; trustedRoot: string };
  /** GitHub's attestations API of the local cloud and its token. */
  github: { apiUrl: string; token: string };
  sts: string;
  ecr: string;
  registry: { url: string; host: string };
  roles: Record<string, string>;
  kube: { clusterName: string; apiUrl: string; kubeconfig: string; eks: string };
  pid: number;
}

export function localCloudCli(root: string): string[] {
  return [join(root, 'packages/local-cloud/src/cli.ts')];
}

/** Whether the cloud in `stateDir` has saved nothing yet (a fresh clone, or after removing it). */
export function cloudStateIsNew(stateDir: string): boolean {
  return !existsSync(join(stateDir, 'cloud-state.json'));
}

/**
 * A cloud state saved before Terraform set the cloud up (roles from roles.yaml, no terraform
 * state): stops that cloud and drops its saved state, so that it starts anew and Terraform sets
 * it up. Returns whether it did. Images and deployments of earlier runs go with it.
 */
export async function dropPreTerraformState(root: string, stateDir: string): Promise<boolean> {
  if (cloudStateIsNew(stateDir) || existsSync(join(stateDir, 'terraform', 'terraform.tfstate'))) return false;
  await stopLocalCloud(root, stateDir);
  rmSync(join(stateDir, 'cloud-state.json'), { force: true });
  return true;
}

export async function ensureLocalCloud(
  root: string,
  stateDir: string,
  githubRepository: string,
  /** The environments' namespaces when Terraform sets the cloud up (the main job); the Terraform snapshot's roles otherwise. */
  terraformNamespaces?: readonly string[],
  /** Receives what `start` says about the cloud: already running, or which component was dead and that it restarted. */
  log: (line: string) => void = () => {},
): Promise<MainCloud> {
  const result = await execChecked(
    process.execPath,
    [
      ...localCloudCli(root),
      'start',
      '--state-dir',
      stateDir,
      '--github-repository',
      githubRepository,
      ...(terraformNamespaces
        ? ['--pipeline-iam', 'terraform', '--namespaces', terraformNamespaces.join(',')]
        : ['--pipeline-iam', 'terraform-snapshot']),
    ],
    { cwd: root, timeoutMs: 180_000 },
  );
  for (const line of result.stderr.split('\n')) if (line.trim() !== '') log(line);
  const cloud = JSON.parse(result.stdout) as MainCloud;
  if (cloud.githubRepository !== githubRepository) {
    throw new Error(
      `the local cloud in ${stateDir} trusts ${cloud.githubRepository}, not ${githubRepository}; stop it first (scripts/main.sh stop)`,
    );
  }
  if (!cloud.kube?.kubeconfig) throw new Error(`the local cloud in ${stateDir} runs without its Kubernetes part`);
  return cloud;
}

export async function stopLocalCloud(root: string, stateDir: string): Promise<string> {
  const result = await execChecked(process.execPath, [...localCloudCli(root), 'stop', '--state-dir', stateDir], {
    cwd: root,
    timeoutMs: 120_000,
  });
  return result.stdout.trim();
}
