// How the eks-promote integration tests run a promotion job through the harness: GitHub OIDC for
// the environment's deploy role, DescribeCluster and STS of the local cloud, the manifests read
// from the workspace (which is no git checkout). What a test varies goes in `inputs`, `env` and
// `github`; everything else is what every such test set alike.
import type { LocalCloud } from '@bakeline/local-cloud';
import type { HarnessOptions } from '@bakeline/test/harness';
import { kubeOf } from './test-cloud.ts';

export interface PromotionRunOptions {
  workspace: string;
  /** the commit the job runs on */
  sha: string;
  runId: string;
  /** GitHub environment and namespace; the job assumes `bakeline-deploy-<environment>` */
  environment: string;
  workload: string;
  /** more inputs, or other values of the ones set here (e.g. a fault proxy's `eks-endpoint`) */
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** more of the `github` context (e.g. `token`) */
  github?: HarnessOptions['github'];
  timeoutMs?: number;
}

/** The harness options of an eks-promote job in `environment` of the cloud's GitHub repository. */
export function promotionRun(cloud: LocalCloud, options: PromotionRunOptions): HarnessOptions {
  const { environment } = options;
  const kube = kubeOf(cloud).endpoints;
  const grant = cloud.admin.grantIdToken({ environment });
  return {
    workspace: options.workspace,
    github: {
      sha: options.sha,
      ref: 'refs/heads/main',
      repository: cloud.endpoints.githubRepository,
      runId: options.runId,
      ...options.github,
    },
    inputs: {
      'cluster-name': kube.clusterName,
      region: cloud.endpoints.region,
      'role-to-assume': cloud.endpoints.roles[`bakeline-deploy-${environment}`] ?? '',
      'eks-endpoint': kube.eks,
      'sts-endpoint': cloud.endpoints.sts,
      namespace: environment,
      workload: options.workload,
      environment,
      'manifests-from': 'workspace',
      ...options.inputs,
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken,
      ...options.env,
    },
    timeoutMs: options.timeoutMs ?? 240_000,
  };
}
