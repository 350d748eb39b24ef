// Every component of a running local cloud, asked from outside (as `start` asks before it
// answers "already running"): the Distribution registry, the ECR registry front and its layer
// bucket, the ECR API, STS, the OIDC issuer and its ID-token endpoint, the Kubernetes API, the
// EKS API, and the kubelet (its healthz endpoint and the Docker engine it runs pods on).
import { existsSync, readFileSync } from 'node:fs';
import type { RunningCloud } from '../state-files.ts';
import { commandProbe, httpProbe, httpsProbe, processProbe, tlsProbe } from './probes.ts';

export type ComponentName =
  | 'admin'
  | 'registry'
  | 'ecr-front'
  | 'layer-bucket'
  | 'ecr-api'
  | 'sts'
  | 'oidc'
  | 'kube-api'
  | 'eks-api'
  | 'kubelet'
  | 'docker-engine';

export interface ComponentHealth {
  name: ComponentName;
  url: string;
  /** undefined: it answers */
  problem?: string;
  /** what brings it back when restarting the local cloud does not */
  recovery?: string;
}

/** Components a restart of the serving process cannot bring back. */
export const OUTSIDE_THE_CLOUD: readonly ComponentName[] = ['docker-engine'];

interface KubeEndpoints {
  apiUrl?: string;
  kubeconfig?: string;
  eks?: string;
  kubeletHealthz?: string;
}

function clusterCa(kubeconfig: string): string | undefined {
  if (!existsSync(kubeconfig)) return undefined;
  const data = /certificate-authority-data:\s*(\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

async function check(
  name: ComponentName,
  url: string,
  probe: Promise<string | undefined> | string | undefined,
): Promise<ComponentHealth> {
  const problem = await probe;
  return { name, url, ...(problem !== undefined ? { problem } : {}) };
}

export async function checkComponents(running: RunningCloud): Promise<ComponentHealth[]> {
  const origin = (url: string) => new URL(url).origin;
  const checks: Promise<ComponentHealth>[] = [
    check('admin', running.admin, httpProbe(`${running.admin}/endpoints`, { statuses: [200] })),
    check(
      'registry',
      running.distribution,
      running.pids?.distribution !== undefined && processProbe(running.pids.distribution) !== undefined
        ? processProbe(running.pids.distribution)
        : httpProbe(`${running.distribution}/v2/`, { statuses: [200] }),
    ),
    // the front asks for credentials; a 502 would mean the registry behind it is gone
    check('ecr-front', running.registry.url, httpProbe(`${running.registry.url}/v2/`, { statuses: [401] })),
    check('layer-bucket', running.layerBucket, httpProbe(`${running.layerBucket}/`)),
    check('ecr-api', running.ecr, httpProbe(`${running.ecr}/`, { method: 'POST', body: '{}' })),
    check('sts', running.sts, httpProbe(`${running.sts}/`)),
    check('oidc', running.oidc.issuer, tlsProbe(running.oidc.issuer)),
    check('oidc', origin(running.oidc.idTokenGrantUrl), httpProbe(`${origin(running.oidc.idTokenGrantUrl)}/`)),
  ];
  const kube = running.kube as KubeEndpoints | undefined;
  if (kube?.apiUrl) {
    const ca = kube.kubeconfig ? clusterCa(kube.kubeconfig) : undefined;
    checks.push(
      check(
        'kube-api',
        kube.apiUrl,
        ca ? httpsProbe(`${kube.apiUrl}/livez`, ca, [200]) : `no cluster CA in ${kube.kubeconfig ?? 'its kubeconfig'}`,
      ),
    );
  }
  if (kube?.eks) checks.push(check('eks-api', kube.eks, httpProbe(`${kube.eks}/`)));
  if (kube?.kubeletHealthz) {
    checks.push(check('kubelet', kube.kubeletHealthz, httpProbe(kube.kubeletHealthz, { statuses: [200] })));
    checks.push(
      check('docker-engine', 'docker', commandProbe('docker', ['version', '--format', '{{.Server.Version}}'])).then(
        (h) =>
          h.problem
            ? { ...h, recovery: 'start the Docker engine (scripts/docker-engine.sh), then run start again' }
            : h,
      ),
    );
  }
  return Promise.all(checks);
}

export function describeProblems(health: readonly ComponentHealth[]): string[] {
  return health
    .filter((h) => h.problem !== undefined)
    .map((h) => `${h.name} (${h.url}): ${h.problem}${h.recovery ? `; ${h.recovery}` : ''}`);
}
