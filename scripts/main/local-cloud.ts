// Starts the local cloud for the main job when it is not running (the CLI's `start` is
// idempotent: it answers with the running cloud's endpoints), and reads its endpoints.
import { join } from 'node:path';
import { execChecked } from '@bakeline/toolkit';

export interface MainCloud {
  accountId: string;
  region: string;
  githubRepository: string;
  oidc: { issuer: string; idTokenGrantUrl: string };
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

export async function ensureLocalCloud(root: string, stateDir: string, githubRepository: string): Promise<MainCloud> {
  const result = await execChecked(
    process.execPath,
    [...localCloudCli(root), 'start', '--state-dir', stateDir, '--github-repository', githubRepository],
    { cwd: root, timeoutMs: 180_000 },
  );
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
