// What runs in one environment, read with the real kubectl through the local cloud's admin
// kubeconfig: the workload's pods, which of them are ready, the image digest each one runs, and
// the profile its ConfigMap gives (each environment's Kustomize overlay sets it).
import { execChecked } from '@bakeline/toolkit';

export interface EnvironmentState {
  namespace: string;
  image: string;
  digests: string[];
  readyPods: number;
  pods: number;
  replicas: number;
  /** The `profile` of the workload's ConfigMap (set per environment by its Kustomize overlay). */
  profile: string;
}

interface PodList {
  items: {
    metadata: { name: string; deletionTimestamp?: string };
    status?: {
      conditions?: { type: string; status: string }[];
      containerStatuses?: { name: string; imageID?: string; ready?: boolean }[];
    };
  }[];
}

interface ConfigMap {
  data?: Record<string, string>;
}

interface Deployment {
  spec: { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } };
}

async function kubectlJson<T>(kubeconfig: string, args: string[]): Promise<T> {
  const result = await execChecked('kubectl', ['--kubeconfig', kubeconfig, ...args, '-o', 'json'], {
    timeoutMs: 30_000,
  });
  return JSON.parse(result.stdout) as T;
}

export async function readEnvironmentState(
  kubeconfig: string,
  namespace: string,
  workload: string,
): Promise<EnvironmentState> {
  const deployment = await kubectlJson<Deployment>(kubeconfig, ['-n', namespace, 'get', 'deployment', workload]);
  const pods = await kubectlJson<PodList>(kubeconfig, ['-n', namespace, 'get', 'pods', '-l', `app=${workload}`]);
  const configMap = await kubectlJson<ConfigMap>(kubeconfig, ['-n', namespace, 'get', 'configmap', workload]);
  const live = pods.items.filter((pod) => !pod.metadata.deletionTimestamp);
  const digests = new Set<string>();
  let readyPods = 0;
  for (const pod of live) {
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (ready) readyPods += 1;
    for (const status of pod.status?.containerStatuses ?? []) {
      const digest = /@(sha256:[0-9a-f]{64})$/.exec(status.imageID ?? '')?.[1];
      digests.add(digest ?? `(no digest: '${status.imageID ?? ''}')`);
    }
  }
  return {
    namespace,
    image: deployment.spec.template.spec.containers.map((c) => c.image).join(', '),
    digests: [...digests],
    readyPods,
    pods: live.length,
    replicas: deployment.spec.replicas ?? 1,
    profile: configMap.data?.profile ?? '',
  };
}
