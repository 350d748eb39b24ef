// The hook through which the Kubernetes/EKS part of the local cloud (src/kube, src/eks) joins
// startLocalCloud: if `./kube/index.ts` exports `startKubeCloud(context)`, it is started after the
// AWS part, with what it needs from it, and stopped before it.
import type { StoredCredentials } from '../aws/credential-store.ts';
import type { ReceivedRequest } from '../aws/sigv4-verifier.ts';
import type { Iam } from '../iam/iam.ts';
import type { SavedKubeObjects } from '../kube/api/saved-objects.ts';
import type { AccessEntry } from '../kube/auth/access-entries.ts';
import type { CallerIdentity } from '../sts/sts-service.ts';

export interface KubeCloudContext {
  accountId: string;
  region: string;
  /** A directory of its own for the Kubernetes part (kubeconfig, CA, ...). */
  stateDir: string;
  now: () => Date;
  /** IAM of the account (evaluate `eks:DescribeCluster`, find roles for access entries). */
  iam: Iam;
  sts: {
    /** `http://127.0.0.1:<port>`: the host an EKS token's presigned URL must name. */
    url: string;
    /** Verifies a presigned GetCallerIdentity URL as STS would (headers: `x-k8s-aws-id`). */
    verifyPresignedGetCallerIdentity(
      url: string | URL,
      options?: { now?: Date; headers?: Record<string, string> },
    ): Promise<CallerIdentity>;
  };
  /** SigV4 verification of a request to another service (e.g. `eks`); throws SigV4Error. */
  verifySignedRequest(request: ReceivedRequest, service: string): Promise<StoredCredentials>;
  registry: {
    /** `http://127.0.0.1:<port>` of the ECR registry front. */
    url: string;
    /** `127.0.0.1:<port>`: image references are `<host>/<repository>@sha256:...`. */
    host: string;
    /** Basic credentials of the node role (bakeline-eks-node) for pulling, valid 12 h. */
    pullCredentials(): { username: string; password: string; expiresAt: Date };
  };
  log(line: string): void;
  /** Ports of the previous run, taken again when free. */
  preferredPorts?: { api?: number; eks?: number; kubeletHealthz?: number };
  /** Objects saved by the previous run. */
  restore?: SavedKubeObjects;
  /** The access entries to start with (none: Terraform creates them); default: derived from the roles. */
  accessEntries?: readonly AccessEntry[];
  /** Namespaces created at start besides the system ones. */
  namespaces?: readonly string[];
  /** Run pods as Docker containers (default true); false: a cluster without nodes. */
  node?: boolean;
}

export interface KubeCloud {
  /** Merged into endpoints.json under `kube`. */
  endpoints: Record<string, unknown>;
  /** Exposed as `admin.kube`. */
  admin?: unknown;
  /** The objects to save for the next run. */
  saveObjects?(): SavedKubeObjects;
  /** Fault injection: stops the API server or the kubelet as its crash would. */
  crash?(component: 'api' | 'kubelet'): Promise<void>;
  stop(): Promise<void>;
}

export type StartKubeCloud = (context: KubeCloudContext) => Promise<KubeCloud>;

/** `startKubeCloud` from src/kube/index.ts, or undefined while that module does not exist. */
export async function loadStartKubeCloud(): Promise<StartKubeCloud | undefined> {
  const url = new URL('../kube/index.ts', import.meta.url);
  let mod: { startKubeCloud?: unknown };
  try {
    mod = (await import(url.href)) as { startKubeCloud?: unknown };
  } catch (error) {
    const e = error as { code?: string; url?: string; message?: string };
    if (e.code === 'ERR_MODULE_NOT_FOUND' && (e.url === url.href || e.message?.includes(url.pathname)))
      return undefined;
    throw error;
  }
  return typeof mod.startKubeCloud === 'function' ? (mod.startKubeCloud as StartKubeCloud) : undefined;
}
