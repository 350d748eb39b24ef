// The whole local cloud in one call: the Distribution registry and the ECR registry front, the
// OIDC issuer with the runner's ID-token endpoint, STS, the ECR API, an admin endpoint, and (when
// src/kube exports startKubeCloud) the Kubernetes/EKS part, all on 127.0.0.1.
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
import { type HttpServerHandler, listen } from '../http/server.ts';
import { Iam } from '../iam/iam.ts';
import { applyRoleDescription, loadRoleDescription } from '../iam/role-description.ts';
import { startOidc } from '../oidc/start-oidc.ts';
import { LayerBucket } from '../registry-front/layer-bucket.ts';
import { RegistryFront } from '../registry-front/registry-front.ts';
import { RequestLog } from '../registry-front/request-log.ts';
import { startSts } from '../sts/start-sts.ts';
import { discoveryJwksSource } from '../sts/web-identity-token.ts';
import { LocalCloudAdmin } from './admin.ts';
import { adminHandler } from './admin-server.ts';
import { type KubeCloud, loadStartKubeCloud, type StartKubeCloud } from './kube-hook.ts';
import { LOCAL_USER_NAME, LOCAL_USER_POLICY } from './local-user.ts';

export interface LocalCloudOptions {
  /** Directory for the registry's storage and the Kubernetes part; a temp one (removed at stop) when absent. */
  stateDir?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** Default us-east-1. */
  region?: string;
  /** `owner/name` whose workflows the roles trust (default bakeline-dev/licensing-service). */
  githubRepository?: string;
  /** Roles description (default src/iam/roles.yaml). */
  rolesFile?: string | URL;
  /** How long an image scan stays IN_PROGRESS (default 2000 ms). */
  scanDelayMs?: number;
  now?: () => Date;
  /** Start the Kubernetes/EKS part when it is available (default true). */
  kube?: boolean | StartKubeCloud;
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
  /** The ECR registry (front): `host` is what image references start with. */
  registry: { url: string; host: string };
  /** The Distribution registry behind the front (no auth; for diagnostics only). */
  distribution: string;
  /** Where blob GETs are redirected, as ECR redirects them to S3. */
  layerBucket: string;
  admin: string;
  roles: Record<string, string>;
  /** Long-lived keys of the local IAM user (ambient credential chain). */
  credentials: { userArn: string; accessKeyId: string; secretAccessKey: string };
  kube?: Record<string, unknown>;
}

export interface LocalCloud {
  endpoints: LocalCloudEndpoints;
  admin: LocalCloudAdmin;
  stop(): Promise<void>;
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
  // The ECR state lives in memory, so the registry's storage starts empty with it.
  rmSync(storageDir, { recursive: true, force: true });
  mkdirSync(storageDir, { recursive: true });

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse().splice(0)) {
      await s().catch((error: unknown) => log(`stop: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    const oidc = await startOidc({ now, onError });
    stoppers.push(oidc.stop);
    const iam = new Iam({ accountId, now });
    const description = loadRoleDescription(
      {
        account_id: accountId,
        region,
        partition: iam.partition,
        oidc_provider: new URL(oidc.url).host,
        github_repository: githubRepository,
      },
      options.rolesFile,
    );
    const { provider, roles } = applyRoleDescription(iam, description, { issuerUrl: oidc.url });
    const store = new CredentialStore(now);
    const verifier = new SigV4Verifier(store);

    const distribution = await startDistribution({ storageDir });
    stoppers.push(distribution.stop);

    let frontHandler: HttpServerHandler | undefined;
    const front = await listen(
      (req, res) => {
        if (!frontHandler) throw new Error('registry front: not ready');
        return frontHandler(req, res);
      },
      { onError },
    );
    stoppers.push(front.close);
    const findings = new ScanFindingsStore();
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
    const bucketServer = await listen(layerBucket.handler(), { onError });
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

    const sts = await startSts({ iam, store, verifier, region, jwks: discoveryJwksSource(oidc.caPem), now, onError });
    stoppers.push(sts.stop);
    const ecrApi = new EcrApi({ iam, verifier, registry, tokens, region, proxyEndpoint: front.url, now });
    const ecr = await listen(ecrApi.handler(), { onError });
    stoppers.push(ecr.close);

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
    const user = admin.createUser({ name: LOCAL_USER_NAME, policies: { local: LOCAL_USER_POLICY } });
    const standing = oidc.grants.grant({ repository: githubRepository, ref: 'refs/heads/main' });

    let endpoints: LocalCloudEndpoints | undefined;
    const adminServer = await listen(
      adminHandler(admin, () => endpoints),
      { onError },
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
      registry: { url: front.url, host: front.host },
      distribution: distribution.url,
      layerBucket: bucketServer.url,
      admin: adminServer.url,
      roles: Object.fromEntries(roles.map((r) => [r.name, r.arn])),
      credentials: { userArn: user.arn, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
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
            const node = admin.roleCredentials('bakeline-eks-node', { sessionName: 'kubelet', durationSeconds: 43200 });
            const caller = store.get(node.accessKeyId);
            if (!caller) throw new Error('local cloud: node credentials vanished');
            const token = tokens.issue(caller);
            return { username: 'AWS', password: token.password, expiresAt: token.expiresAt };
          },
        },
        log,
      });
      stoppers.push(kube.stop);
      endpoints.kube = kube.endpoints;
      admin.kube = kube.admin;
    }
    return { endpoints, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
