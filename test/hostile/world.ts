// What the hostile and cancellation suites act against, set up once per file: the local cloud
// (STS, ECR over the real Distribution registry, EKS and its Kubernetes API), the example service
// packaged by Maven, baked by docker-bake's jar builder and pushed by ecr-push, and a Deployment
// of it (replicas 0, so no JVM runs) that the eks-promote cases must leave alone.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BaseImage, ensureBaseImage } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { type HarnessOptions, type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { exec, execChecked, silentLogger } from '@bakeline/toolkit';

export const SDE = '1714564800';
export const SHA = '0123abc4567def890123abc4567def890123abcd';
export const REPO = 'ostock/licensing-service';
export const WORKLOAD = 'licensing-service';
export const NAMESPACE = 'dev';

export interface KubeEndpoints {
  clusterName: string;
  kubeconfig: string;
  eks: string;
  apiUrl: string;
}

export interface World {
  cloud: LocalCloud;
  kube: KubeEndpoints;
  base: BaseImage;
  /** a copy of examples/licensing-service with target/ built */
  workspace: string;
  /** where suites put their own files (outside the workspace) */
  scratch: string;
  image: { digest: string; layout: string; archive: string; jar: string; uri: string };
  stop(): Promise<void>;
}

export function firstError(result: Pick<HarnessResult, 'annotations'>): string {
  return result.annotations.find((a) => a.level === 'error')?.message.split('\n')[0] ?? '';
}

function describe(result: HarnessResult): string {
  return `exit ${result.exitCode}: ${firstError(result)}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`;
}

export async function runChecked(action: string, options: HarnessOptions): Promise<HarnessResult> {
  const result = await runBundledAction(action, options);
  if (result.exitCode !== 0) throw new Error(`${action} failed in the suite's setup: ${describe(result)}`);
  return result;
}

/** ecr-push's inputs and environment for a push through OIDC as the publish job makes it. */
export function pushOptions(world: Pick<World, 'cloud' | 'workspace'>, inputs: Record<string, string>): HarnessOptions {
  const c = world.cloud;
  const grant = c.endpoints.oidc;
  return {
    workspace: world.workspace,
    github: { sha: SHA, ref: 'refs/heads/main', repository: c.endpoints.githubRepository },
    inputs: {
      repository: REPO,
      region: c.endpoints.region,
      'role-to-assume': c.endpoints.roles['bakeline-ecr-push'] ?? '',
      'ecr-endpoint': c.endpoints.ecr,
      'sts-endpoint': c.endpoints.sts,
      ...inputs,
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 240_000,
  };
}

/** eks-promote's inputs and environment for a promotion to `dev` through OIDC. */
export function promoteOptions(world: Pick<World, 'cloud' | 'kube' | 'workspace'>, inputs: Record<string, string>) {
  const c = world.cloud;
  const grant = c.admin.grantIdToken({ environment: NAMESPACE });
  return {
    workspace: world.workspace,
    github: { sha: SHA, ref: 'refs/heads/main', repository: c.endpoints.githubRepository },
    inputs: {
      'cluster-name': world.kube.clusterName,
      region: c.endpoints.region,
      'role-to-assume': c.endpoints.roles[`bakeline-deploy-${NAMESPACE}`] ?? '',
      'eks-endpoint': world.kube.eks,
      'sts-endpoint': c.endpoints.sts,
      // an image pushed by this test, not built by build.yml: the gate is tested in
      // attestations.int.test.ts and acceptance.int.test.ts
      'verify-attestations': 'warn',
      namespace: NAMESPACE,
      'manifests-from': 'workspace',
      workload: WORKLOAD,
      environment: NAMESPACE,
      timeout: '2m',
      ...inputs,
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 180_000,
  } satisfies HarnessOptions;
}

export async function kubectl(world: Pick<World, 'kube'>, ...args: string[]): Promise<string> {
  const r = await exec('kubectl', ['--kubeconfig', world.kube.kubeconfig, ...args], { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/**
 * A Deployment of the pushed image with no replicas: an object to protect, no JVM to start. Its
 * readiness probe makes a rollout (when a suite scales it up) wait for the JVM, as on a cluster.
 */
function parkedDeployment(uri: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${WORKLOAD}
  labels: { app: ${WORKLOAD} }
data:
  profile: default
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${WORKLOAD}
  labels: { app: ${WORKLOAD} }
spec:
  replicas: 0
  selector:
    matchLabels: { app: ${WORKLOAD} }
  template:
    metadata:
      labels: { app: ${WORKLOAD} }
    spec:
      containers:
        - name: ${WORKLOAD}
          image: ${uri}
          ports: [{ containerPort: 8080 }]
          env: [{ name: PORT, value: "8080" }]
          readinessProbe:
            httpGet: { path: /actuator/health, port: 8080 }
            periodSeconds: 1
`;
}

export async function startWorld(options: { kube?: boolean } = {}): Promise<World> {
  const scratch = mkdtempSync(join(tmpdir(), 'bakeline-hostile-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  cpSync(join(repoRoot, 'examples', 'licensing-service'), workspace, {
    recursive: true,
    filter: (src) => !src.includes('/target'),
  });
  // the roles, repository and access entries terraform apply of the example creates; the cloud
  // starts while Maven packages the service and docker-bake bakes it
  const starting = startLocalCloud({ kube: options.kube ?? true, log: () => {}, pipelineIam: 'terraform-snapshot' });
  let baked: HarnessResult;
  let base: BaseImage;
  try {
    [base] = await Promise.all([
      ensureBaseImage({ logger: silentLogger }),
      execChecked('mvn', ['-o', '-q', 'package', '-DskipTests'], { cwd: workspace, timeoutMs: 300_000 }),
    ]);
    baked = await runChecked('docker-bake', {
      workspace,
      github: { sha: SHA, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
      inputs: {
        builder: 'jar',
        jar: 'target/*.jar',
        'image-name': 'licensing-service',
        'base-image': `oci:${base.layoutDir}`,
        'source-date-epoch': SDE,
        ports: '8080',
        'output-dir': join(scratch, 'baked'),
      },
      timeoutMs: 300_000,
    });
  } catch (error: unknown) {
    await (await starting.catch(() => undefined))?.stop();
    throw error;
  }
  const cloud = await starting;
  const kube = (cloud.endpoints.kube ?? {}) as unknown as KubeEndpoints;
  const partial = { cloud, workspace };
  const pushed = await runChecked(
    'ecr-push',
    pushOptions(partial, {
      layout: baked.outputs['layout-path'] ?? '',
      digest: baked.outputs.digest ?? '',
      tags: 'sha-0123abc',
    }),
  );
  const uri = pushed.outputs['image-uri'] ?? '';
  const world: World = {
    cloud,
    kube,
    base,
    workspace,
    scratch,
    image: {
      digest: baked.outputs.digest ?? '',
      layout: baked.outputs['layout-path'] ?? '',
      archive: baked.outputs['archive-path'] ?? '',
      jar: join(workspace, 'target', 'licensing-service.jar'),
      uri,
    },
    stop: async () => {
      await cloud.stop();
    },
  };
  if (options.kube !== false) {
    const manifest = join(scratch, 'parked.yaml');
    writeFileSync(manifest, parkedDeployment(uri));
    await exec('kubectl', ['--kubeconfig', kube.kubeconfig, 'create', 'namespace', NAMESPACE], { timeoutMs: 60_000 });
    await kubectl(world, 'apply', '-n', NAMESPACE, '-f', manifest);
  }
  return world;
}
