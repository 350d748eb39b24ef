// The Kubernetes part of the local cloud in one call: a fresh CA, the HTTPS API server on
// 127.0.0.1, the controllers, one node whose pods are Docker containers, EKS token
// authentication through the local STS with access entries, and an admin kubeconfig.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '@bakeline/toolkit';
import { ObjectApi } from './api/object-api.ts';
import { findResource, type ResourceDef } from './api/resources.ts';
import { KubeApiServer, type KubeApiServer as KubeApiServerType, type RequestLogEntry } from './api/server.ts';
import { ObjectStore } from './api/store.ts';
import { AccessEntries, type AccessEntry } from './auth/access-entries.ts';
import { Authenticator, type AuthFailure } from './auth/authenticate.ts';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './auth/bootstrap-policy.ts';
import type { PresignedCallerIdentityVerifier } from './auth/eks-token.ts';
import { RbacAuthorizer, unionAuthorizer } from './auth/rbac.ts';
import type { UserInfo } from './auth/user.ts';
import { createClusterCa } from './cluster-ca.ts';
import { ControllerManager } from './controllers/controller-manager.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { DockerRuntime } from './kubelet/docker-runtime.ts';
import { Kubelet, type PullCredentials } from './kubelet/kubelet.ts';

export const INSTANCE_LABEL = 'io.bakeline.local-cloud.kube';

export interface KubeCloudOptions {
  /** EKS cluster name (default `bakeline-local`); EKS tokens must be made for it */
  clusterName?: string;
  region?: string;
  accountId?: string;
  /** port on 127.0.0.1 (default: a free one) */
  port?: number;
  /** namespaces created at start besides default, kube-system, kube-public */
  namespaces?: readonly string[];
  /** EKS tokens: the local STS endpoint (scheme://host:port) and its presigned-URL check */
  sts?: { endpoint: string; verifier: PresignedCallerIdentityVerifier };
  accessEntries?: readonly AccessEntry[];
  /** the node: run pods as Docker containers (default true); false = a cluster without nodes */
  node?: boolean;
  /** the node's registry credentials (an ECR authorization token of the node role) */
  pullCredentials?: (registry: string) => Promise<PullCredentials | undefined>;
  docker?: { exec?: Exec; binary?: string };
  /** image pull and crash back-off (default 10 s doubling to 300 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** longest life of a watch or a followed log (default 300 s) */
  maxWatchSeconds?: number;
  onError?: (error: unknown) => void;
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface KubeCloudAdmin {
  setAccessEntry(entry: AccessEntry): void;
  deleteAccessEntry(principalArn: string): boolean;
  accessEntries(): AccessEntry[];
  /** a kubeconfig file (in the cloud's directory) that authenticates with `token` */
  writeTokenKubeconfig(name: string, token: string, namespace?: string): string;
  /** why requests were refused with 401 (never sent to clients) */
  authFailures(): AuthFailure[];
  /** the node's container IDs of a pod */
  containerIds(namespace: string, pod: string): { container: string; current?: string; previous?: string }[];
  /** resolves once the controllers have nothing queued */
  idle(): Promise<void>;
  /** the object store and API layer, for in-process checks */
  api: ObjectApi;
}

export interface KubeCloud {
  clusterName: string;
  region: string;
  accountId: string;
  clusterArn: string;
  createdAt: Date;
  /** https://127.0.0.1:<port> */
  apiUrl: string;
  port: number;
  caPem: string;
  /** admin kubeconfig (client certificate, O=system:masters) */
  kubeconfigPath: string;
  /** the label every pod container carries (`key=value`), for `docker ps --filter label=...` */
  containerLabel: string;
  admin: KubeCloudAdmin;
  stop(): Promise<void>;
}

export async function startKubeCloud(options: KubeCloudOptions = {}): Promise<KubeCloud> {
  const clusterName = options.clusterName ?? 'bakeline-local';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const instance = randomBytes(6).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'bakeline-kube-'));
  const ca = await createClusterCa(clusterName);
  const store = new ObjectStore();
  const api = new ObjectApi(store);
  const nsDef = findResource('', 'v1', 'namespaces') as ResourceDef;
  for (const ns of new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...(options.namespaces ?? []),
  ])) {
    api.create(
      nsDef,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { fieldValidation: 'Strict' },
    );
  }
  const crDef = findResource('rbac.authorization.k8s.io', 'v1', 'clusterroles') as ResourceDef;
  const crbDef = findResource('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings') as ResourceDef;
  for (const r of BOOTSTRAP_CLUSTER_ROLES) api.create(crDef, undefined, r, { fieldValidation: 'Strict' });
  for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) api.create(crbDef, undefined, b, { fieldValidation: 'Strict' });

  const accessEntries = new AccessEntries();
  for (const e of options.accessEntries ?? []) accessEntries.set(e);
  const staticTokens = new Map<string, UserInfo>();
  const authenticator = new Authenticator({
    staticTokens,
    accessEntries,
    now: () => new Date(),
    ...(options.sts
      ? {
          eks: {
            clusterName,
            stsEndpoints: [options.sts.endpoint],
            verifier: options.sts.verifier,
            now: () => new Date(),
          },
        }
      : {}),
  });
  const rbac = new RbacAuthorizer(store);
  const authorizer = unionAuthorizer(
    accessEntries.authorizer((role) => rbac.rulesOf('ClusterRole', role, '')),
    rbac,
  );

  let kubelet: Kubelet | undefined;
  let runtime: DockerRuntime | undefined;
  if (options.node !== false) {
    runtime = new DockerRuntime({
      ...(options.docker?.exec ? { exec: options.docker.exec } : {}),
      ...(options.docker?.binary ? { docker: options.docker.binary } : {}),
    });
    kubelet = new Kubelet({
      api,
      runtime,
      nodeName: `${clusterName}-node-1`,
      instanceLabel: { key: INSTANCE_LABEL, value: instance },
      ...(options.pullCredentials ? { pullCredentials: options.pullCredentials } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }
  const server: KubeApiServerType = new KubeApiServer({
    api,
    authenticator,
    authorizer,
    ...(kubelet ? { logs: kubelet } : {}),
    tls: { certPem: ca.server.certPem, keyPem: ca.server.keyPem, caPem: ca.caPem },
    ...(options.maxWatchSeconds !== undefined ? { maxWatchSeconds: options.maxWatchSeconds } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  const port = await server.listen(options.port ?? 0);
  const apiUrl = `https://127.0.0.1:${port}`;
  const controllers = new ControllerManager({ api, ...(options.onError ? { onError: options.onError } : {}) });
  controllers.start();
  kubelet?.start();

  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  writeFileSync(
    kubeconfigPath,
    renderKubeconfig({
      clusterName,
      server: apiUrl,
      caPem: ca.caPem,
      user: { name: 'kubernetes-admin', clientCertificatePem: ca.admin.certPem, clientKeyPem: ca.admin.keyPem },
    }),
    { mode: 0o600 },
  );

  let stopped = false;
  return {
    clusterName,
    region,
    accountId,
    clusterArn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
    createdAt: new Date(),
    apiUrl,
    port,
    caPem: ca.caPem,
    kubeconfigPath,
    containerLabel: `${INSTANCE_LABEL}=${instance}`,
    admin: {
      setAccessEntry: (entry) => accessEntries.set(entry),
      deleteAccessEntry: (arn) => accessEntries.delete(arn),
      accessEntries: () => accessEntries.list(),
      writeTokenKubeconfig(name, token, namespace) {
        if (!/^[a-z0-9-]+$/.test(name))
          throw new Error(`kubeconfig name: got '${name}'; expected lower-case letters, digits and '-'`);
        const path = join(dir, `${name}.kubeconfig`);
        writeFileSync(
          path,
          renderKubeconfig({
            clusterName,
            server: apiUrl,
            caPem: ca.caPem,
            user: { name, token },
            ...(namespace ? { namespace } : {}),
          }),
          { mode: 0o600 },
        );
        return path;
      },
      authFailures: () => [...authenticator.failures],
      containerIds: (namespace, pod) => kubelet?.containerIds(namespace, pod) ?? [],
      idle: () => controllers.idle(),
      api,
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await controllers.stop();
      await server.stop();
      await kubelet?.stop();
      runtime?.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
