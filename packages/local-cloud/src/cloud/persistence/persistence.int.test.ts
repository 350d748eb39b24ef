// Real components: the Distribution registry, skopeo, Docker (the kubelet). What a local cloud
// with a state directory holds survives a stop and a start on the same directory.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, pushImage, tinyImage } from '../../../test/tiny-image.ts';
import { findResource, type ResourceDef } from '../../kube/api/resources.ts';
import type { KubeCloudAdmin } from '../../kube/start-kube-cloud.ts';
import { type LocalCloud, startLocalCloud } from '../start-local-cloud.ts';

const exec = promisify(execFile);
const REPO = 'ostock/persisted';
const LIFECYCLE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    },
  ],
});

let dir: string;
let cloud: LocalCloud | undefined;

function ecrClient(c: LocalCloud): ECRClient {
  // a repository of its own: the account's IAM user (Terraform's push role may push only to the example's)
  const creds = c.endpoints.credentials;
  return new ECRClient({ region: c.endpoints.region, endpoint: c.endpoints.ecr, credentials: creds, maxAttempts: 1 });
}

async function password(client: ECRClient): Promise<string> {
  const out = await client.send(new GetAuthorizationTokenCommand({}));
  return Buffer.from(out.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .replace(/^AWS:/, '');
}

function kubeAdmin(c: LocalCloud): KubeCloudAdmin {
  return c.admin.kube as KubeCloudAdmin;
}

const configMaps = findResource('', 'v1', 'configmaps') as ResourceDef;
const deployments = findResource('apps', 'v1', 'deployments') as ResourceDef;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bakeline-persist-'));
});
afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a local cloud started again on its state directory', () => {
  it('keeps ECR repositories, policies, findings and images, IAM roles and Kubernetes objects', async () => {
    const image = tinyImage('persisted');
    cloud = await startLocalCloud({ stateDir: dir, scanDelayMs: 0, log: () => {}, pipelineIam: 'terraform-snapshot' });
    const first = cloud.endpoints;
    const ecr = ecrClient(cloud);
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: REPO,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: REPO, lifecyclePolicyText: LIFECYCLE }));
    const pushed = await pushImage(first.registry.url, REPO, image, 'v1', basicAuth(await password(ecr)));
    expect(pushed.status).toBe(201);
    cloud.admin.setScanFindings(REPO, image.digest, [{ name: 'CVE-2026-0001', severity: 'HIGH' }]);
    cloud.admin.createGithubRole({
      name: 'persisted-role',
      subjects: ['repo:bakeline-dev/licensing-service:*'],
      policies: { read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] } },
    });
    const kube = kubeAdmin(cloud);
    kube.api.create(configMaps, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kept' },
      data: { answer: '42' },
    });
    kube.api.create(deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'idle' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'idle' } },
        template: {
          metadata: { labels: { app: 'idle' } },
          spec: { containers: [{ name: 'app', image: `${first.registry.host}/${REPO}@${image.digest}` }] },
        },
      },
    });
    const rvBefore = Number(kube.api.store.resourceVersion);
    await cloud.stop();
    cloud = undefined;

    cloud = await startLocalCloud({ stateDir: dir, scanDelayMs: 0, log: () => {}, pipelineIam: 'terraform-snapshot' });
    const second = cloud.endpoints;
    // the same addresses: image references and trust policies name them
    expect(second.registry.url).toBe(first.registry.url);
    expect(second.oidc.issuer).toBe(first.oidc.issuer);
    expect(second.kube?.apiUrl).toBe(first.kube?.apiUrl);

    const again = ecrClient(cloud);
    const repos = await again.send(new DescribeRepositoriesCommand({ repositoryNames: [REPO] }));
    expect(repos.repositories?.[0]).toMatchObject({
      repositoryName: REPO,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      repositoryUri: `${second.registry.host}/${REPO}`,
    });
    const lifecycle = await again.send(new GetLifecyclePolicyCommand({ repositoryName: REPO }));
    expect(lifecycle.lifecyclePolicyText).toBe(LIFECYCLE);
    await again.send(new StartImageScanCommand({ repositoryName: REPO, imageId: { imageDigest: image.digest } }));
    const findings = await again.send(
      new DescribeImageScanFindingsCommand({ repositoryName: REPO, imageId: { imageDigest: image.digest } }),
    );
    expect(findings.imageScanFindings?.findingSeverityCounts).toEqual({ HIGH: 1 });

    // skopeo pulls the image by digest and checks every blob against its digest
    const creds = `AWS:${await password(again)}`;
    const out = join(dir, 'pulled');
    await exec('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--src-creds',
      creds,
      `docker://${second.registry.host}/${REPO}@${image.digest}`,
      `oci:${out}`,
    ]);
    const inspected = JSON.parse(
      (
        await exec('skopeo', [
          'inspect',
          '--tls-verify=false',
          '--creds',
          creds,
          `docker://${second.registry.host}/${REPO}:v1`,
        ])
      ).stdout,
    ) as { Digest: string };
    expect(inspected.Digest).toBe(image.digest);

    const role = cloud.admin.iam.getRole('persisted-role');
    expect(role?.policies.has('read')).toBe(true);
    expect(cloud.admin.roleCredentials('persisted-role').arn).toContain(':assumed-role/persisted-role/');
    expect(cloud.admin.iam.getRole('bakeline-ecr-push')).toBeDefined();

    const store = kubeAdmin(cloud).api.store;
    expect(store.get(configMaps, 'default', 'kept')?.data).toEqual({ answer: '42' });
    const deployment = store.get(deployments, 'default', 'idle') as { spec: { template: { spec: unknown } } };
    expect(deployment.spec.template.spec).toMatchObject({
      containers: [{ image: `${first.registry.host}/${REPO}@${image.digest}` }],
    });
    // resourceVersions go on from where the first run stopped
    expect(Number(store.resourceVersion)).toBeGreaterThanOrEqual(rvBefore);
  }, 180_000);

  it('starts empty, registry storage included, when the saved state is gone', async () => {
    await cloud?.stop();
    cloud = undefined;
    rmSync(join(dir, 'cloud-state.json'));
    // `terraform`: no snapshot of Terraform's repositories either, so nothing at all
    cloud = await startLocalCloud({ stateDir: dir, kube: false, log: () => {}, pipelineIam: 'terraform' });
    const repos = await ecrClient(cloud).send(new DescribeRepositoriesCommand({}));
    expect(repos.repositories).toEqual([]);
    const catalog = await fetch(`${cloud.endpoints.distribution}/v2/_catalog`);
    expect(await catalog.json()).toEqual({ repositories: [] });
  }, 120_000);
});
