// The lifecycle policy preview through the AWS SDK's ECR client, and a local run on the same
// repository: images put straight into the local ECR's state (no registry needed).
import {
  ECRClient,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { listen, type StartedServer } from '../http/server.ts';
import { Iam } from '../iam/iam.ts';
import { EcrApi } from './ecr-api.ts';
import { type EcrImage, EcrRegistry, type EcrRepository } from './ecr-registry.ts';
import { runLifecyclePolicy } from './lifecycle-run.ts';
import { sha256Digest } from './manifest.ts';
import { RegistryTokens } from './registry-tokens.ts';
import { ScanFindingsStore } from './scan-findings.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const NOW = new Date('2026-06-30T12:00:00Z');
let server: StartedServer;
let client: ECRClient;
let registry: EcrRegistry;
let repo: EcrRepository;

const POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      selection: { tagStatus: 'tagged', tagPrefixList: ['sha-'], countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 3 },
      action: { type: 'expire' },
    },
  ],
});

function put(name: string, minutesAgo: number, options: { tag?: string; subject?: string } = {}): string {
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      name,
      ...(options.subject !== undefined
        ? { subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: options.subject, size: 1 } }
        : {}),
    }),
  );
  const image: EcrImage = {
    digest: sha256Digest(manifest),
    manifest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    sizeInBytes: manifest.length,
    pushedAt: new Date(NOW.getTime() - minutesAgo * 60_000),
    blobs: [],
    manifests: [],
  };
  repo.images.set(image.digest, image);
  if (options.tag !== undefined) repo.tags.set(options.tag, image.digest);
  return image.digest;
}

const images: Record<string, string> = {};

beforeAll(async () => {
  const iam = new Iam({ accountId: ACCOUNT });
  const user = iam.createUser({
    name: 'ops',
    policies: { ecr: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] } },
  });
  const store = new CredentialStore();
  const creds = store.createAccessKey({ type: 'user', arn: user.arn, accountId: ACCOUNT, userId: user.userId });
  registry = new EcrRegistry({
    iam,
    region: REGION,
    registryHost: '127.0.0.1:1',
    distributionUrl: 'http://127.0.0.1:1',
    findings: new ScanFindingsStore(),
  });
  const api = new EcrApi({
    iam,
    verifier: new SigV4Verifier(store),
    registry,
    tokens: new RegistryTokens(),
    region: REGION,
    proxyEndpoint: 'http://127.0.0.1:1',
  });
  server = await listen(api.handler());
  client = new ECRClient({
    region: REGION,
    endpoint: server.url,
    maxAttempts: 1,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  });
  repo = registry.createRepository({ name: 'ostock/app', imageTagMutability: 'IMMUTABLE' });
  images.plainOld = put('plain-old', 60);
  images.old = put('old', 50, { tag: 'sha-1' });
  images.oldSbom = put('old-sbom', 49, { subject: images.old });
  images.new = put('new', 40, { tag: 'sha-2' });
  images.newSbom = put('new-sbom', 39, { subject: images.new });
  images.plainNew = put('plain-new', 30);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

describe('StartLifecyclePolicyPreview / GetLifecyclePolicyPreview', () => {
  it('has no preview before one is started, and no policy to preview', async () => {
    await expect(
      client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app' })),
    ).rejects.toMatchObject({
      name: 'LifecyclePolicyPreviewNotFoundException',
      message: 'There is no dry run for this repository.',
    });
    await expect(
      client.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app' })),
    ).rejects.toMatchObject({
      name: 'LifecyclePolicyNotFoundException',
      message:
        "Lifecycle policy does not exist for the repository with name 'ostock/app' in the registry with id '123456789012'",
    });
    await expect(
      client.send(
        new StartLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app', lifecyclePolicyText: '{"rules":[]}' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('previews the given text: rule results with their priority, oldest first, no referrer', async () => {
    const started = await client.send(
      new StartLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app', lifecyclePolicyText: POLICY }),
    );
    expect(started).toMatchObject({ repositoryName: 'ostock/app', lifecyclePolicyText: POLICY, status: 'IN_PROGRESS' });
    const preview = await client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app' }));
    expect(preview.status).toBe('COMPLETE');
    expect(preview.previewResults).toEqual([
      {
        imageDigest: images.plainOld,
        imagePushedAt: new Date(NOW.getTime() - 60 * 60_000),
        action: { type: 'EXPIRE' },
        appliedRulePriority: 2,
      },
      {
        imageTags: ['sha-1'],
        imageDigest: images.old,
        imagePushedAt: new Date(NOW.getTime() - 50 * 60_000),
        action: { type: 'EXPIRE' },
        appliedRulePriority: 1,
      },
    ]);
    expect(preview.summary).toEqual({ expiringImageTotalCount: 2 });
  });

  it('filters by tag status and image, pages with maxResults, and refuses bad parameters', async () => {
    const get = (input: Omit<ConstructorParameters<typeof GetLifecyclePolicyPreviewCommand>[0], 'repositoryName'>) =>
      client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'ostock/app', ...input }));
    const tagged = await get({ filter: { tagStatus: 'TAGGED' } });
    expect(tagged.previewResults?.map((r) => r.imageDigest)).toEqual([images.old]);
    const named = await get({ imageIds: [{ imageTag: 'sha-1' }] });
    expect(named.previewResults?.map((r) => r.imageDigest)).toEqual([images.old]);
    const first = await get({ maxResults: 1 });
    expect(first.previewResults?.map((r) => r.imageDigest)).toEqual([images.plainOld]);
    const second = await get({
      maxResults: 1,
      ...(first.nextToken !== undefined ? { nextToken: first.nextToken } : {}),
    });
    expect(second.previewResults?.map((r) => r.imageDigest)).toEqual([images.old]);
    expect(second.nextToken).toBeUndefined();
    await expect(get({ maxResults: 101 })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(get({ maxResults: 1, imageIds: [{ imageTag: 'sha-1' }] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('a local run', () => {
  it("expires the rules' images with their referrers, and records when it ran", async () => {
    await client.send(new PutLifecyclePolicyCommand({ repositoryName: 'ostock/app', lifecyclePolicyText: POLICY }));
    const outcome = runLifecyclePolicy(registry, repo, NOW);
    expect(outcome.withSubject).toEqual([{ digest: images.oldSbom, subject: images.old }]);
    expect([...repo.images.keys()].sort()).toEqual([images.new, images.newSbom, images.plainNew].sort());
    expect(registry.hasManifest(repo, 'sha-1')).toBe(false);
    expect(registry.hasManifest(repo, images.oldSbom ?? '')).toBe(false);
    expect(registry.hasManifest(repo, 'sha-2')).toBe(true);
    const policy = await client.send(new GetLifecyclePolicyCommand({ repositoryName: 'ostock/app' }));
    expect(policy.lastEvaluatedAt).toEqual(NOW);
  });
});
