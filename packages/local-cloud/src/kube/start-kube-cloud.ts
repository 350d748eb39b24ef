// The Kubernetes part of the local cloud in one call: a fresh CA, the HTTPS API server on
// 127.0.0.1, the controllers, one node whose pods are Docker containers, EKS token
// authentication through the local STS with access entries, and an admin kubeconfig.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '@bakeline/toolkit';
import type { StoredCredentials } from '../aws/credential-store.ts';
import type { ReceivedRequest } from '../aws/sigv4-verifier.ts';
import { EksApi } from '../eks/eks-api.ts';
import { listen, type StartedServer } from '../http/server.ts';
import type { Iam } from '../iam/iam.ts';
import { ObjectApi } from './api/object-api.ts';
import { findResource, type ResourceDef } from './api/resources.ts';
import { restoreObjects, type SavedKubeObjects, saveObjects } from './api/saved-objects.ts';
import { KubeApiServer, type KubeApiServer as KubeApiServerType, type RequestLogEntry } from './api/server.ts';
import { ObjectStore } from './api/store.ts';
import { AccessEntries, type AccessEntry } from './auth/access-entries.ts';
import { Authenticator, type AuthFailure } from './auth/authenticate.ts';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './auth/bootstrap-policy.ts';
import { RbacAuthorizer, unionAuthorizer } from './auth/rbac.ts';
import { RbacEscalationCheck } from './auth/rbac-escalation.ts';
import { rbacRuleResolver, unionRuleResolver, webhookRuleResolver } from './auth/rules-review.ts';
import { localStsTransport } from './auth/sts-forward.ts';
import type { UserInfo } from './auth/user.ts';
import { createClusterCa } from './cluster-ca.ts';
import { ControllerManager } from './controllers/controller-manager.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { DockerRuntime } from './kubelet/docker-runtime.ts';
import { Kubelet, type PullCredentials } from './kubelet/kubelet.ts';

export const INSTANCE_LABEL = 'io.bakeline.local-cloud.kube';
const CONCURRENT_WRITE_ANNOTATION = 'local-cloud.bakeline.io/concurrent-write';
const REQUEST_LOG_LIMIT = 10_000;

export interface TimedRequestLogEntry extends RequestLogEntry {
  at: Date;
}

export interface KubeCloudOptions {
  /** EKS cluster name (default `bakeline-local`); EKS tokens must be made for it */
  clusterName?: string;
  region?: string;
  accountId?: string;
  /** port on 127.0.0.1 (default: a free one) */
  port?: number;
  /** ports to take again when free (a restarted local cloud keeps its addresses) */
  preferredPorts?: { api?: number; eks?: number; kubeletHealthz?: number };
  /** objects saved by an earlier run, put back before anything starts */
  restore?: SavedKubeObjects;
  /** directory for the kubeconfigs (default: a temp directory, removed at stop) */
  stateDir?: string;
  now?: () => Date;
  /** namespaces created at start besides default, kube-system, kube-public, kube-node-lease */
  namespaces?: readonly string[];
  /**
   * EKS tokens: the local STS (`http://127.0.0.1:<port>`) that the authenticator sends a token's
   * GetCallerIdentity to, whatever STS host the token names (it must be a real one).
   */
  sts?: { url: string };
  /** the cluster's partition (default `aws`): which STS host names its tokens may name */
  partition?: string;
  /** with `verifySignedRequest`: serve the EKS API (DescribeCluster) authorized by this IAM */
  iam?: Iam;
  verifySignedRequest?: (request: ReceivedRequest, service: string) => Promise<StoredCredentials>;
  /**
   * Access entries (default none; the local cloud passes Terraform's). The namespaces their
   * policies are scoped to are created.
   */
  accessEntries?: readonly AccessEntry[];
  /** the ECR registry front and the node role's pull credentials for it */
  registry?: { host: string; pullCredentials(): { username: string; password: string } };
  /** the node: run pods as Docker containers (default true); false = a cluster without nodes */
  node?: boolean;
  docker?: { exec?: Exec; binary?: string };
  /** image pull and crash back-off (default 10 s doubling to 300 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** longest life of a watch or a followed log (default 300 s) */
  maxWatchSeconds?: number;
  onError?: (error: unknown) => void;
  onRequest?: (entry: RequestLogEntry) => void;
  log?: (line: string) => void;
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
  /** the API server's requests so far (the last 10000): who asked what, and the status answered */
  requestLog(): TimedRequestLogEntry[];
  /**
   * A concurrent writer: before each of the next `count` updates or patches of the object, another
   * client changes it first (a real write, a new resourceVersion), so a write that carries the
   * resourceVersion it read is answered 409 Conflict, as on a busy cluster.
   */
  writeConcurrently(target: { resource: string; group?: string; namespace: string; name: string; count: number }): void;
  /** cuts every open watch connection (an API server restart); returns how many were open */
  dropWatches(): number;
  /**
   * Fault injection: the endpoint the EKS API's DescribeCluster names for the cluster, such as a
   * fault proxy in front of the API server (on 127.0.0.1, serving `servingCertificate`);
   * undefined names the API server itself again.
   */
  advertiseApiUrl(url: string | undefined): void;
  /** the API server's certificate and key (issued by the cluster CA for 127.0.0.1) and that CA, for such a proxy */
  servingCertificate(): { certPem: string; keyPem: string; caPem: string };
  /**
   * Stops one component as its crash would (fault injection): the API server stops listening, or
   * the kubelet stops working and its healthz endpoint goes away.
   */
  crash(component: 'api' | 'kubelet'): Promise<void>;
  /** the object store and API layer, for in-process checks */
  api: ObjectApi;
}

export interface StartedKubeCloud {
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
  /** `http://127.0.0.1:<port>` of the EKS API (with `iam` and `verifySignedRequest`) */
  eksUrl?: string;
  /** what the local cloud's endpoints.json shows */
  endpoints: Record<string, unknown>;
  /** the kubelet's health endpoint (`GET /healthz`, as a real kubelet serves on :10248) */
  kubeletHealthzUrl?: string;
  admin: KubeCloudAdmin;
  /** the objects to save for the next run */
  saveObjects(): SavedKubeObjects;
  /** fault injection: see KubeCloudAdmin.crash */
  crash(component: 'api' | 'kubelet'): Promise<void>;
  stop(): Promise<void>;
}

function nodePullCredentials(registry: NonNullable<KubeCloudOptions['registry']>) {
  return async (host: string): Promise<PullCredentials | undefined> => {
    if (host !== registry.host) return undefined;
    const { username, password } = registry.pullCredentials();
    return { username, password };
  };
}

export async function startKubeCloud(options: KubeCloudOptions = {}): Promise<StartedKubeCloud> {
  const clusterName = options.clusterName ?? 'bakeline-local';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? options.iam?.accountId ?? '000000000000';
  const now = options.now ?? (() => new Date());
  const instance = randomBytes(6).toString('hex');
  const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'bakeline-kube-'));
  const entries = options.restore?.accessEntries ?? options.accessEntries ?? [];
  const entryNamespaces = entries.flatMap((e) =>
    (e.accessPolicies ?? []).flatMap((p) => p.accessScope.namespaces ?? []),
  );
  const ca = await createClusterCa(clusterName);
  const store = new ObjectStore({ now });
  if (options.restore) restoreObjects(store, options.restore);
  const accessEntries = new AccessEntries();
  for (const e of entries) accessEntries.set(e);
  const rbac = new RbacAuthorizer(store);
  const authorizer = unionAuthorizer(
    accessEntries.authorizer((role) => rbac.rulesOf('ClusterRole', role, '')),
    rbac,
  );
  const escalation = new RbacEscalationCheck(rbac, authorizer);
  const api = new ObjectApi(store, { admission: [(write) => escalation.admit(write)] });
  const nsDef = findResource('', 'v1', 'namespaces') as ResourceDef;
  for (const ns of new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...entryNamespaces,
    ...(options.namespaces ?? []),
  ])) {
    if (store.get(nsDef, undefined, ns)) continue;
    api.create(
      nsDef,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { fieldValidation: 'Strict' },
    );
  }
  const crDef = findResource('rbac.authorization.k8s.io', 'v1', 'clusterroles') as ResourceDef;
  const crbDef = findResource('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings') as ResourceDef;
  const bootstrapped = (def: ResourceDef, o: Record<string, unknown>) =>
    store.get(def, undefined, (o.metadata as { name: string }).name) !== undefined;
  for (const r of BOOTSTRAP_CLUSTER_ROLES) {
    if (!bootstrapped(crDef, r)) api.create(crDef, undefined, r, { fieldValidation: 'Strict' });
  }
  for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) {
    if (!bootstrapped(crbDef, b)) api.create(crbDef, undefined, b, { fieldValidation: 'Strict' });
  }

  const staticTokens = new Map<string, UserInfo>();
  const authenticator = new Authenticator({
    staticTokens,
    accessEntries,
    now,
    ...(options.sts
      ? {
          eks: {
            clusterName,
            partition: options.partition ?? 'aws',
            region,
            sts: localStsTransport(options.sts.url),
            now,
          },
        }
      : {}),
  });

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
      ...(options.registry ? { pullCredentials: nodePullCredentials(options.registry) } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }
  const requests: TimedRequestLogEntry[] = [];
  const concurrentWrites: { def: ResourceDef; namespace: string; name: string; left: number }[] = [];
  let concurrentWriteCount = 0;
  const server: KubeApiServerType = new KubeApiServer({
    api,
    authenticator,
    authorizer,
    // EKS's access policies are a webhook authorizer: it cannot list rules (see rules-review.ts).
    rules: unionRuleResolver(webhookRuleResolver, rbacRuleResolver(rbac)),
    ...(kubelet ? { logs: kubelet } : {}),
    tls: { certPem: ca.server.certPem, keyPem: ca.server.keyPem, caPem: ca.caPem },
    ...(options.maxWatchSeconds !== undefined ? { maxWatchSeconds: options.maxWatchSeconds } : {}),
    onRequest: (entry) => {
      requests.push({ ...entry, at: now() });
      if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);
      options.onRequest?.(entry);
    },
    beforeWrite: (write) => {
      const target = concurrentWrites.find(
        (t) => t.def === write.def && t.namespace === write.namespace && t.name === write.name && t.left > 0,
      );
      if (!target || write.subresource !== '') return;
      target.left--;
      concurrentWriteCount++;
      api.patch(
        target.def,
        target.namespace,
        target.name,
        'application/merge-patch+json',
        { metadata: { annotations: { [CONCURRENT_WRITE_ANNOTATION]: String(concurrentWriteCount) } } },
        { fieldValidation: 'Strict', dryRun: false },
      );
    },
  });
  const preferredApiPort = options.port ?? options.preferredPorts?.api;
  const port =
    preferredApiPort === undefined
      ? await server.listen(0)
      : await server.listen(preferredApiPort).catch((error: unknown) => {
          if (options.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
          return server.listen(0);
        });
  const apiUrl = `https://127.0.0.1:${port}`;
  const controllers = new ControllerManager({ api, ...(options.onError ? { onError: options.onError } : {}) });
  controllers.start();
  kubelet?.start();
  let kubeletRunning = kubelet !== undefined;
  const kubeletHealthz = kubelet
    ? await listen(
        (req, res) => {
          const healthy = kubeletRunning && req.method === 'GET' && req.url === '/healthz';
          res.writeHead(healthy ? 200 : 404, { 'content-type': 'text/plain' });
          res.end(healthy ? 'ok' : 'not found');
        },
        options.preferredPorts?.kubeletHealthz !== undefined
          ? { preferredPort: options.preferredPorts.kubeletHealthz }
          : {},
      )
    : undefined;

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

  let eks: StartedServer | undefined;
  let advertisedApiUrl: string | undefined;
  const createdAt = now();
  const clusterArn = `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`;
  if (options.iam && options.verifySignedRequest) {
    const eksApi = new EksApi({
      iam: options.iam,
      region,
      accessEntries,
      now,
      verifySignedRequest: options.verifySignedRequest,
      clusters: () => [
        {
          name: clusterName,
          arn: clusterArn,
          endpoint: advertisedApiUrl ?? apiUrl,
          caPem: ca.caPem,
          createdAt,
          version: '1.32',
          roleArn: `arn:aws:iam::${accountId}:role/eks-cluster-role`,
        },
      ],
    });
    eks = await listen(
      eksApi.handler(),
      options.preferredPorts?.eks !== undefined ? { preferredPort: options.preferredPorts.eks } : {},
    );
  }
  options.log?.(`kube: API ${apiUrl} (cluster ${clusterName})${eks ? `, EKS API ${eks.url}` : ''}`);

  const crash = async (component: 'api' | 'kubelet') => {
    if (component === 'api') {
      await server.stop();
      return;
    }
    if (!kubeletRunning) return;
    kubeletRunning = false;
    await kubelet?.stop();
    await kubeletHealthz?.close();
  };
  let stopped = false;
  return {
    crash,
    clusterName,
    region,
    accountId,
    clusterArn,
    createdAt,
    ...(eks ? { eksUrl: eks.url } : {}),
    endpoints: {
      clusterName,
      apiUrl,
      kubeconfig: kubeconfigPath,
      ...(eks ? { eks: eks.url } : {}),
      ...(kubeletHealthz ? { kubeletHealthz: `${kubeletHealthz.url}/healthz` } : {}),
    },
    ...(kubeletHealthz ? { kubeletHealthzUrl: `${kubeletHealthz.url}/healthz` } : {}),
    saveObjects: () => ({ ...saveObjects(store), accessEntries: accessEntries.list() }),
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
      requestLog: () => requests.map((r) => ({ ...r })),
      writeConcurrently(target) {
        const group = target.group ?? (['deployments', 'replicasets'].includes(target.resource) ? 'apps' : '');
        const def = findResource(group, 'v1', target.resource);
        if (!def) throw new Error(`writeConcurrently: unknown resource '${target.resource}'`);
        concurrentWrites.push({ def, namespace: target.namespace, name: target.name, left: target.count });
      },
      dropWatches: () => server.dropWatches(),
      advertiseApiUrl(url) {
        if (url !== undefined && !/^https:\/\/127\.0\.0\.1:\d+$/.test(url))
          throw new Error(`advertiseApiUrl: got '${url}'; expected https://127.0.0.1:<port>`);
        advertisedApiUrl = url;
      },
      servingCertificate: () => ({ certPem: ca.server.certPem, keyPem: ca.server.keyPem, caPem: ca.caPem }),
      crash,
      api,
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await controllers.stop();
      await eks?.close();
      await server.stop();
      await kubeletHealthz?.close();
      if (kubeletRunning) await kubelet?.stop();
      runtime?.dispose();
      if (options.stateDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
