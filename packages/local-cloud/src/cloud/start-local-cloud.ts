// The whole local cloud in one call: the Distribution registry and the ECR registry front, the
// OIDC issuer with the runner's ID-token endpoint, STS, the ECR API, an admin endpoint, and (when
// src/kube exports startKubeCloud) the Kubernetes/EKS part, all on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { startDistribution } from '../distribution.ts';
import { EcrApi } from '../ecr/ecr-api.ts';
import { EcrRegistry } from '../ecr/ecr-registry.ts';
import { RegistryTokens } from '../ecr/registry-tokens.ts';
import { ScanFindingsStore } from '../ecr/scan-findings.ts';
import { GithubAttestations } from '../github/attestations-api.ts';
import { startGithubDeploymentsApi } from '../github/deployments-api.ts';
import { type HttpServerHandler, listen } from '../http/server.ts';
import { Iam } from '../iam/iam.ts';
import { IamApi } from '../iam/iam-api.ts';
import type { SavedKubeObjects } from '../kube/api/saved-objects.ts';
import type { AccessEntry } from '../kube/auth/access-entries.ts';
import { startOidc } from '../oidc/start-oidc.ts';
import { LayerBucket } from '../registry-front/layer-bucket.ts';
import { RegistryFront } from '../registry-front/registry-front.ts';
import { RequestLog } from '../registry-front/request-log.ts';
import { startSigstore } from '../sigstore/start-sigstore.ts';
import { startSts } from '../sts/start-sts.ts';
import { discoveryJwksSource } from '../sts/web-identity-token.ts';
import { LocalCloudAdmin } from './admin.ts';
import { adminHandler } from './admin-server.ts';
import { ensureIssuerProvider, ensureNodeRole, NODE_ROLE_NAME } from './cloud-infrastructure.ts';
import { type KubeCloud, loadStartKubeCloud, type StartKubeCloud } from './kube-hook.ts';
import { LOCAL_USER_NAME, LOCAL_USER_POLICY } from './local-user.ts';
import { portOf, readSavedPorts, type SavedPorts, writeSavedPorts } from './persistence/ports.ts';
import { readSavedState, restoreEcr, restoreIam } from './persistence/saved-state.ts';
import { StateSaver } from './persistence/state-saver.ts';
import {
  holdsSnapshotRoles,
  loadSnapshotEcr,
  loadSnapshotIam,
  readSnapshot,
  renderSnapshot,
  snapshotAccessEntries,
} from './pipeline-snapshot/load-snapshot.ts';

export type PipelineIamSource = 'terraform' | 'terraform-snapshot';

export interface LocalCloudOptions {
  /**
   * Directory for the registry's storage, the Kubernetes part and the saved state: a cloud started
   * again on the same directory comes back with what it held, at the same ports when they are
   * free. A temp one (removed at stop) when absent.
   */
  stateDir?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** Default us-east-1. */
  region?: string;
  /** `owner/name` whose workflows the roles trust (default bakeline-dev/licensing-service). */
  githubRepository?: string;
  /**
   * Where the pipeline's roles, ECR repository and EKS access entries come from, always from
   * Terraform: `terraform-snapshot` (default) creates, on a new state, what `terraform apply` of
   * infra/terraform/examples/licensing-service creates, from the committed snapshot of it
   * (pipeline-snapshot/terraform-pipeline.json); `terraform` creates none: that apply does
   * (scripts/main.ts). The saved state keeps them across restarts. The issuer's OIDC provider and
   * the nodes' role exist in both (cloud-infrastructure.ts).
   */
  pipelineIam?: PipelineIamSource;
  /** Kubernetes namespaces the cluster has from the start (with `terraform`: the environments'). */
  namespaces?: readonly string[];
  /** How long an image scan stays IN_PROGRESS (default 2000 ms). */
  scanDelayMs?: number;
  now?: () => Date;
  /** Start the Kubernetes/EKS part when it is available (default true). */
  kube?: boolean | StartKubeCloud;
  /** The cluster's node, which runs pods as Docker containers (default true); false: no node. */
  node?: boolean;
  /** Unexpected server errors and progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface LocalCloudEndpoints {
  accountId: string;
  region: string;
  githubRepository: string;
  oidc: {
    issuer: string;
    jwksUri: string;
    /** The workflow runner's `--id-token-endpoint` (POST claims -> {requestUrl, requestToken}). */
    idTokenGrantUrl: string;
    /** A standing grant for a push to main of `githubRepository` (ACTIONS_ID_TOKEN_REQUEST_*). */
    requestUrl: string;
    requestToken: string;
  };
  /** STS endpoint URL (`--endpoint-url`, `sts-endpoint`). */
  sts: string;
  /** ECR API endpoint URL (`ecr-endpoint`). */
  ecr: string;
  /** IAM API endpoint URL (Terraform's `endpoints { iam = ... }`). */
  iam: string;
  /** The ECR registry (front): `host` is what image references start with. */
  registry: { url: string; host: string };
  /** The Distribution registry behind the front (no auth; for diagnostics only). */
  distribution: string;
  /** Where blob GETs are redirected, as ECR redirects them to S3. */
  layerBucket: string;
  admin: string;
  /** Process ids of the components that run as processes of their own. */
  pids: { distribution: number };
  roles: Record<string, string>;
  /** Long-lived keys of the local IAM user (ambient credential chain). */
  credentials: { userArn: string; accessKeyId: string; secretAccessKey: string };
  kube?: Record<string, unknown>;
  /** The local Sigstore: Fulcio and Rekor at `url`, its trusted root at `trustedRoot` (new at every start). */
  sigstore: { url: string; trustedRoot: string };
  /** GitHub's attestations API for `githubRepository` (GITHUB_API_URL) and the token it accepts (GITHUB_TOKEN). */
  github: { apiUrl: string; token: string };
}

export interface LocalCloud {
  endpoints: LocalCloudEndpoints;
  admin: LocalCloudAdmin;
  stop(): Promise<void>;
}

const SAVE_INTERVAL_MS = 1000;

function listeningPorts(endpoints: LocalCloudEndpoints, distributionPort: number): SavedPorts {
  const kube = endpoints.kube ?? {};
  const kubeUrl = (key: string) => (typeof kube[key] === 'string' ? { [key]: portOf(kube[key]) } : {});
  const { apiUrl, eks, kubeletHealthz } = { ...kubeUrl('apiUrl'), ...kubeUrl('eks'), ...kubeUrl('kubeletHealthz') };
  return {
    oidcIssuer: portOf(endpoints.oidc.issuer),
    oidcGrants: portOf(endpoints.oidc.idTokenGrantUrl),
    distribution: distributionPort,
    registry: portOf(endpoints.registry.url),
    layerBucket: portOf(endpoints.layerBucket),
    sts: portOf(endpoints.sts),
    ecr: portOf(endpoints.ecr),
    iam: portOf(endpoints.iam),
    admin: portOf(endpoints.admin),
    ...(apiUrl !== undefined ? { kubeApi: apiUrl } : {}),
    ...(eks !== undefined ? { eks } : {}),
    ...(kubeletHealthz !== undefined ? { kubeletHealthz } : {}),
  };
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const githubRepository = options.githubRepository ?? 'bakeline-dev/licensing-service';
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stderr.write(`local-cloud: ${line}\n`));
  const onError = (error: unknown, req: IncomingMessage) =>
    log(`${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'bakeline-local-cloud-'));
  const storageDir = join(stateDir, 'registry');
  const snapshot = options.pipelineIam === 'terraform' ? undefined : readSnapshot();
  let saved = ownStateDir ? undefined : readSavedState(stateDir);
  if (saved && snapshot && !holdsSnapshotRoles(saved, snapshot)) {
    // saved by a cloud set up otherwise (the retired roles.yaml's roles): start anew from the snapshot
    log(`${stateDir}: the saved state lacks the Terraform snapshot's roles; starting anew`);
    saved = undefined;
  }
  const ports: SavedPorts = ownStateDir ? {} : readSavedPorts(stateDir);
  const preferred = (name: keyof SavedPorts) => (ports[name] !== undefined ? { preferredPort: ports[name] } : {});
  // The registry's storage goes with the saved ECR state: without that state, it starts empty.
  if (!saved) rmSync(storageDir, { recursive: true, force: true });
  mkdirSync(storageDir, { recursive: true });

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse().splice(0)) {
      await s().catch((error: unknown) => log(`stop: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  let kubeSave: (() => SavedKubeObjects) | undefined;
  try {
    const oidc = await startOidc({
      now,
      onError,
      preferredPorts: {
        ...(ports.oidcIssuer !== undefined ? { issuer: ports.oidcIssuer } : {}),
        ...(ports.oidcGrants !== undefined ? { grants: ports.oidcGrants } : {}),
      },
    });
    stoppers.push(oidc.stop);
    const sigstore = await startSigstore({
      oidcIssuer: oidc.url,
      jwks: () => discoveryJwksSource(oidc.caPem)({ arn: '', url: oidc.url, keyPrefix: '', clientIds: [] }),
      now,
      onError,
      log,
    });
    stoppers.push(sigstore.stop);
    const githubToken = `ghs_${randomBytes(18).toString('hex')}`;
    const githubApi = await startGithubDeploymentsApi({
      repository: githubRepository,
      token: githubToken,
      attestations: new GithubAttestations(),
      onError: (error) => log(`github api: ${error instanceof Error ? error.message : String(error)}`),
    });
    stoppers.push(githubApi.close);
    const iam = new Iam({ accountId, now });
    const findings = new ScanFindingsStore();
    if (saved) restoreIam(iam, saved);
    const fromSnapshot =
      snapshot && !saved
        ? renderSnapshot(snapshot, {
            account_id: accountId,
            region,
            oidc_provider: new URL(oidc.url).host,
            github_repository: githubRepository,
          })
        : undefined;
    const provider = fromSnapshot
      ? loadSnapshotIam(iam, fromSnapshot, oidc.url).provider
      : ensureIssuerProvider(iam, oidc.url);
    ensureNodeRole(iam);
    const store = new CredentialStore(now);
    const verifier = new SigV4Verifier(store);

    const distribution = await startDistribution({
      storageDir,
      ...(ports.distribution !== undefined ? { port: ports.distribution } : {}),
    }).catch((error: unknown) => {
      if (ports.distribution === undefined) throw error;
      log(`registry: port ${ports.distribution} of the previous run is taken; another one is used`);
      return startDistribution({ storageDir });
    });
    stoppers.push(distribution.stop);

    let frontHandler: HttpServerHandler | undefined;
    const front = await listen(
      (req, res) => {
        if (!frontHandler) throw new Error('registry front: not ready');
        return frontHandler(req, res);
      },
      { onError, ...preferred('registry') },
    );
    stoppers.push(front.close);
    const registry = new EcrRegistry({
      iam,
      region,
      registryHost: front.host,
      distributionUrl: distribution.url,
      findings,
      ...(options.scanDelayMs !== undefined ? { scanDelayMs: options.scanDelayMs } : {}),
      now,
    });
    const tokens = new RegistryTokens(now);
    const requestLog = new RequestLog();
    const layerBucket = new LayerBucket({ distributionUrl: distribution.url, now });
    const bucketServer = await listen(layerBucket.handler(), { onError, ...preferred('layerBucket') });
    stoppers.push(bucketServer.close);
    layerBucket.url = bucketServer.url;
    frontHandler = new RegistryFront({
      iam,
      registry,
      tokens,
      region,
      distributionUrl: distribution.url,
      host: front.host,
      log: requestLog,
      layerBucket,
    }).handler();

    if (saved) restoreEcr({ registry, findings }, saved);
    if (fromSnapshot) loadSnapshotEcr(registry, fromSnapshot);
    const snapshotEntries: AccessEntry[] | undefined = fromSnapshot
      ? snapshotAccessEntries(iam, fromSnapshot, now())
      : undefined;
    const sts = await startSts({
      iam,
      store,
      verifier,
      region,
      jwks: discoveryJwksSource(oidc.caPem),
      now,
      onError,
      ...preferred('sts'),
    });
    stoppers.push(sts.stop);
    const ecrApi = new EcrApi({ iam, verifier, registry, tokens, region, proxyEndpoint: front.url, now });
    const ecr = await listen(ecrApi.handler(), { onError, ...preferred('ecr') });
    stoppers.push(ecr.close);
    const iamServer = await listen(new IamApi({ iam, verifier, now }).handler(), { onError, ...preferred('iam') });
    stoppers.push(iamServer.close);

    const admin = new LocalCloudAdmin({
      iam,
      provider,
      store,
      sts: sts.service,
      issuer: oidc.issuer,
      grants: oidc.grants,
      registry,
      tokens,
      findings,
      log: requestLog,
      githubRepository,
    });
    admin.crashable('ecr-front', front.close);
    admin.crashable('layer-bucket', bucketServer.close);
    admin.crashable('ecr-api', ecr.close);
    admin.crashable('sts', sts.stop);
    admin.crashable('oidc', oidc.stop);
    const user = admin.createUser({ name: LOCAL_USER_NAME, policies: { local: LOCAL_USER_POLICY } });
    const standing = oidc.grants.grant({ repository: githubRepository, ref: 'refs/heads/main' });

    let endpoints: LocalCloudEndpoints | undefined;
    const adminServer = await listen(
      adminHandler(admin, () => endpoints),
      { onError, ...preferred('admin') },
    );
    stoppers.push(adminServer.close);

    endpoints = {
      accountId,
      region,
      githubRepository,
      oidc: {
        issuer: oidc.url,
        jwksUri: `${oidc.url}/.well-known/jwks`,
        idTokenGrantUrl: `${oidc.grantsUrl}/id-token-grants`,
        requestUrl: standing.requestUrl,
        requestToken: standing.requestToken,
      },
      sts: sts.url,
      ecr: ecr.url,
      iam: iamServer.url,
      registry: { url: front.url, host: front.host },
      distribution: distribution.url,
      layerBucket: bucketServer.url,
      admin: adminServer.url,
      pids: { distribution: distribution.pid },
      // the roles at start (restored ones included); the main job reads Terraform's outputs
      roles: Object.fromEntries(iam.listRoles().map((r) => [r.name, r.arn])),
      credentials: { userArn: user.arn, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      sigstore: { url: sigstore.url, trustedRoot: `${sigstore.url}/trusted-root.json` },
      github: { apiUrl: githubApi.url, token: githubToken },
    };

    const startKube =
      options.kube === false
        ? undefined
        : typeof options.kube === 'function'
          ? options.kube
          : await loadStartKubeCloud();
    if (startKube) {
      const kubeStateDir = join(stateDir, 'kube');
      mkdirSync(kubeStateDir, { recursive: true });
      const kube: KubeCloud = await startKube({
        accountId,
        region,
        stateDir: kubeStateDir,
        now,
        iam,
        sts: {
          url: sts.url,
          verifyPresignedGetCallerIdentity: (url, o) => sts.service.verifyPresignedGetCallerIdentity(url, o),
        },
        verifySignedRequest: (request, service) => verifier.verify(request, { service, regions: [region], now: now() }),
        registry: {
          url: front.url,
          host: front.host,
          pullCredentials: () => {
            const node = admin.roleCredentials(NODE_ROLE_NAME, { sessionName: 'kubelet', durationSeconds: 43200 });
            const caller = store.get(node.accessKeyId);
            if (!caller) throw new Error('local cloud: node credentials vanished');
            const token = tokens.issue(caller);
            return { username: 'AWS', password: token.password, expiresAt: token.expiresAt };
          },
        },
        log,
        preferredPorts: {
          ...(ports.kubeApi !== undefined ? { api: ports.kubeApi } : {}),
          ...(ports.eks !== undefined ? { eks: ports.eks } : {}),
          ...(ports.kubeletHealthz !== undefined ? { kubeletHealthz: ports.kubeletHealthz } : {}),
        },
        ...(saved?.kube ? { restore: saved.kube } : {}),
        // Terraform's eks-access module creates the access entries (or its snapshot holds them)
        accessEntries: snapshotEntries ?? [],
        ...(options.namespaces ? { namespaces: options.namespaces } : {}),
        ...(options.node === false ? { node: false } : {}),
      });
      stoppers.push(kube.stop);
      endpoints.kube = kube.endpoints;
      admin.kube = kube.admin;
      kubeSave = kube.saveObjects;
      const crashKube = kube.crash;
      if (crashKube) {
        admin.crashable('kube-api', () => crashKube('api'));
        admin.crashable('kubelet', () => crashKube('kubelet'));
      }
    }
    if (!ownStateDir) {
      const saver = new StateSaver(stateDir, { registry, findings, iam, kube: () => kubeSave?.() }, (error) =>
        log(`saving the state: ${error instanceof Error ? error.message : String(error)}`),
      );
      saver.save();
      saver.start(SAVE_INTERVAL_MS);
      // runs before the stoppers: the state as it was while everything ran
      stoppers.push(async () => saver.stop());
      writeSavedPorts(stateDir, listeningPorts(endpoints, distribution.port));
    }
    return { endpoints, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
