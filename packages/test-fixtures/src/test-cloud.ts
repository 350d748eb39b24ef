// The local cloud as an integration test starts it: in process, its log silenced, stopped by the
// test's afterAll, so tests never share state. With `kube` (the default) the Kubernetes/EKS part
// is on, and `kubeOf` gives its admin and endpoints without a cast in every test.
import { type KubeCloudAdmin, type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';

export type TestCloudOptions = Parameters<typeof startLocalCloud>[0];

/** Starts a local cloud for one test file; call `cloud.stop()` in afterAll. */
export function startTestCloud(options: TestCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({ log: () => {}, ...options });
}

/** What the Kubernetes/EKS part of the local cloud offers a test. */
export interface KubeEndpoints {
  clusterName: string;
  /** the admin kubeconfig (straight to the API server) */
  kubeconfig: string;
  /** the EKS API endpoint (DescribeCluster) */
  eks: string;
  /** the Kubernetes API server URL */
  apiUrl: string;
}

/** The cloud's Kubernetes admin and endpoints; throws if it was started with `kube: false`. */
export function kubeOf(cloud: LocalCloud): { admin: KubeCloudAdmin; endpoints: KubeEndpoints } {
  const admin = cloud.admin.kube;
  const endpoints = cloud.endpoints.kube;
  if (admin === undefined || endpoints === undefined) throw new Error('the local cloud was started without kube');
  const field = (name: keyof KubeEndpoints): string => {
    const value = endpoints[name];
    if (typeof value !== 'string') throw new Error(`the local cloud's kube endpoints have no ${name}`);
    return value;
  };
  return {
    admin: admin as KubeCloudAdmin,
    endpoints: {
      clusterName: field('clusterName'),
      kubeconfig: field('kubeconfig'),
      eks: field('eks'),
      apiUrl: field('apiUrl'),
    },
  };
}
