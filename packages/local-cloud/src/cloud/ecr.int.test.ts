// The local ECR through the AWS SDK for JavaScript v3 and plain distribution-API requests to the
// registry front (real Distribution registry behind it).
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutImageCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, blob, pushImage, tinyImage, tinyLayer, uploadBlob } from '../../test/tiny-image.ts';
import { type LocalCloud, startLocalCloud } from './start-local-cloud.ts';

let cloud: LocalCloud;
let ecr: ECRClient;
let password: string;
let registry: string;

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const clientFor = (credentials: Creds) =>
  new ECRClient({ region: cloud.endpoints.region, endpoint: cloud.endpoints.ecr, credentials, maxAttempts: 1 });

async function loginPassword(client: ECRClient): Promise<string> {
  const out = await client.send(new GetAuthorizationTokenCommand({}));
  const token = out.authorizationData?.[0]?.authorizationToken ?? '';
  return Buffer.from(token, 'base64').toString('utf8').replace(/^AWS:/, '');
}

beforeAll(async () => {
  cloud = await startLocalCloud({
    kube: false,
    scanDelayMs: 400,
    region: 'eu-west-1',
    log: () => {},
    pipelineIam: 'terraform-snapshot',
  });
  registry = cloud.endpoints.registry.url;
  // the ECR API itself is under test, not the pipeline's roles: the account's IAM user (ecr:*)
  // creates and changes repositories of its own; Terraform's push role may touch only the example's
  ecr = clientFor(cloud.endpoints.credentials);
  password = await loginPassword(ecr);
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: 'ostock/immutable',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    }),
  );
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ostock/mutable' }));
});
afterAll(async () => {
  await cloud?.stop();
});

describe('ECR API', () => {
  it('issues a registry token for 12 hours with the front as proxy endpoint', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    expect(Buffer.from(data?.authorizationToken ?? '', 'base64').toString()).toMatch(/^AWS:[A-Za-z0-9+/=]{200,}$/);
    expect((data?.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(11.9 * 3600_000);
    expect(data?.proxyEndpoint).toBe(registry);
  });

  it('creates repositories as ECR does and refuses duplicates and bad names', async () => {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['ostock/immutable'] }));
    expect(out.repositories?.[0]).toMatchObject({
      repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/ostock/immutable',
      registryId: '123456789012',
      repositoryUri: `${cloud.endpoints.registry.host}/ostock/immutable`,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
    await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: 'ostock/immutable' }))).rejects.toMatchObject({
      name: 'RepositoryAlreadyExistsException',
      message: "The repository with name 'ostock/immutable' already exists in the registry with id '123456789012'",
    });
    await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Ostock/Bad' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['ostock/nope'] }))).rejects.toMatchObject(
      {
        name: 'RepositoryNotFoundException',
        message: "The repository with name 'ostock/nope' does not exist in the registry with id '123456789012'",
      },
    );
  });

  it('describes and returns images pushed through the registry, by tag and by digest', async () => {
    const image = tinyImage('describe');
    expect((await pushImage(registry, 'ostock/mutable', image, 'v1', basicAuth(password))).status).toBe(201);
    const byTag = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'ostock/mutable', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(byTag.imageDetails?.[0]).toMatchObject({
      imageDigest: image.digest,
      imageTags: ['v1'],
      imageManifestMediaType: image.mediaType,
      artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      imageSizeInBytes: image.config.bytes.length + (image.layers[0]?.bytes.length ?? 0),
    });
    const byDigest = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'ostock/mutable', imageIds: [{ imageDigest: image.digest }] }),
    );
    expect(byDigest.imageDetails?.[0]?.imageTags).toEqual(['v1']);
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'ostock/mutable', imageIds: [{ imageTag: 'v9' }] })),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
      message:
        "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'ostock/mutable' in the registry with id '123456789012'",
    });
    const got = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'ostock/mutable',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'v9' }],
      }),
    );
    expect(got.images?.[0]?.imageManifest).toBe(image.manifest.toString());
    expect(got.failures).toEqual([
      { imageId: { imageTag: 'v9' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
    ]);
  });

  it('puts images through the API with ECR rules', async () => {
    const image = tinyImage('put-image');
    const auth = basicAuth(password);
    for (const b of [image.config, ...image.layers])
      expect((await uploadBlob(registry, 'ostock/mutable', b, auth)).status).toBe(201);
    const put = await ecr.send(
      new PutImageCommand({
        repositoryName: 'ostock/mutable',
        imageManifest: image.manifest.toString(),
        imageTag: 'api',
      }),
    );
    expect(put.image?.imageId).toEqual({ imageDigest: image.digest, imageTag: 'api' });
    await expect(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'ostock/mutable',
          imageManifest: image.manifest.toString(),
          imageTag: 'api',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ImageAlreadyExistsException' });
    const bare = tinyImage('put-image', { omitMediaType: true });
    await expect(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'ostock/mutable',
          imageManifest: bare.manifest.toString(),
          imageTag: 'bare',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    });
    const withParam = await ecr.send(
      new PutImageCommand({
        repositoryName: 'ostock/mutable',
        imageManifest: bare.manifest.toString(),
        imageTag: 'bare',
        imageManifestMediaType: image.mediaType,
      }),
    );
    expect(withParam.image?.imageId?.imageDigest).toBe(blob(bare.manifest, image.mediaType).digest);
    const missing = tinyImage('never-uploaded');
    await expect(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'ostock/mutable',
          imageManifest: missing.manifest.toString(),
          imageTag: 'missing',
        }),
      ),
    ).rejects.toMatchObject({ name: 'LayersNotFoundException' });
  });

  it('refuses to move a tag in an immutable repository, naming tag and repository', async () => {
    const first = tinyImage('immutable-1');
    const second = tinyImage('immutable-2');
    const auth = basicAuth(password);
    expect((await pushImage(registry, 'ostock/immutable', first, 'release', auth)).status).toBe(201);
    for (const b of [second.config, ...second.layers]) await uploadBlob(registry, 'ostock/immutable', b, auth);
    await expect(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'ostock/immutable',
          imageManifest: second.manifest.toString(),
          imageTag: 'release',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ImageTagAlreadyExistsException',
      message:
        "The image tag 'release' already exists in the 'ostock/immutable' repository and cannot be overwritten because the repository is immutable.",
    });
    const again = await pushImage(registry, 'ostock/immutable', first, 'release', auth);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      errors: [
        {
          code: 'TAG_INVALID',
          message:
            "The image tag 'release' already exists in the 'ostock/immutable' repository and cannot be overwritten because the repository is immutable.",
          detail: null,
        },
      ],
    });
    const byDigest = await fetch(`${registry}/v2/ostock/immutable/manifests/${first.digest}`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': first.mediaType },
      body: new Uint8Array(first.manifest),
    });
    expect(byDigest.status).toBe(201);
    const tagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'ostock/immutable', imageIds: [{ imageTag: 'release' }] }),
    );
    expect(tagged.imageDetails?.[0]?.imageDigest).toBe(first.digest);
  });

  it('scans on push: IN_PROGRESS, then COMPLETE with the findings the test set', async () => {
    const image = tinyImage('scanned');
    cloud.admin.setScanFindings('ostock/immutable', image.digest, [
      { name: 'CVE-2026-0001', severity: 'CRITICAL', uri: 'https://example.invalid/CVE-2026-0001' },
      { name: 'CVE-2026-0002', severity: 'HIGH' },
      { name: 'CVE-2026-0003', severity: 'HIGH' },
    ]);
    expect((await pushImage(registry, 'ostock/immutable', image, 'scanned', basicAuth(password))).status).toBe(201);
    const input = { repositoryName: 'ostock/immutable', imageId: { imageTag: 'scanned' } };
    const first = await ecr.send(new DescribeImageScanFindingsCommand(input));
    expect(first.imageScanStatus?.status).toBe('IN_PROGRESS');
    await new Promise((r) => setTimeout(r, 500));
    const done = await ecr.send(new DescribeImageScanFindingsCommand(input));
    expect(done.imageScanStatus?.status).toBe('COMPLETE');
    expect(done.imageScanFindings?.findingSeverityCounts).toEqual({ CRITICAL: 1, HIGH: 2 });
    expect(done.imageScanFindings?.findings?.map((f) => f.name)).toEqual([
      'CVE-2026-0001',
      'CVE-2026-0002',
      'CVE-2026-0003',
    ]);
    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'ostock/immutable', imageIds: [{ imageTag: 'scanned' }] }),
    );
    expect(described.imageDetails?.[0]?.imageScanFindingsSummary?.findingSeverityCounts).toEqual({
      CRITICAL: 1,
      HIGH: 2,
    });
    await expect(
      ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'ostock/mutable', imageId: { imageTag: 'v1' } })),
    ).rejects.toMatchObject({ name: 'ScanNotFoundException' });
  });

  it('validates lifecycle policies', async () => {
    const text = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'expire untagged after 14 days',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
          action: { type: 'expire' },
        },
      ],
    });
    await expect(
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'ostock/mutable', lifecyclePolicyText: text })),
    ).resolves.toMatchObject({
      lifecyclePolicyText: text,
    });
    await expect(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'ostock/mutable',
          lifecyclePolicyText: text.replace('"expire"', '"delete"'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('evaluates IAM: a role without ecr:PutImage is refused by the API and the registry, in AWS wording', async () => {
    cloud.admin.createGithubRole({
      name: 'no-put',
      subjects: ['repo:bakeline-dev/licensing-service:ref:refs/heads/main'],
      policies: {
        upload: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
            {
              Effect: 'Allow',
              Action: [
                'ecr:BatchCheckLayerAvailability',
                'ecr:InitiateLayerUpload',
                'ecr:UploadLayerPart',
                'ecr:CompleteLayerUpload',
              ],
              Resource: '*',
            },
          ],
        },
      },
    });
    const limited = clientFor(cloud.admin.roleCredentials('no-put', { sessionName: 'limited' }));
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/no-put/limited is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:eu-west-1:123456789012:repository/ostock/mutable because no identity-based policy allows the ecr:PutImage action';
    const image = tinyImage('denied');
    await expect(
      limited.send(
        new PutImageCommand({
          repositoryName: 'ostock/mutable',
          imageManifest: image.manifest.toString(),
          imageTag: 'x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', message, $metadata: { httpStatusCode: 400 } });
    const res = await pushImage(registry, 'ostock/mutable', image, 'denied', basicAuth(await loginPassword(limited)));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errors: [{ code: 'DENIED', message, detail: null }] });
    await expect(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'ostock/mutable', imageIds: [{ imageTag: 'denied' }] })),
    ).rejects.toMatchObject({
      name: 'ImageNotFoundException',
    });
  });

  it('refuses expired, tampered and unknown credentials', async () => {
    const expired = cloud.admin.roleCredentials('bakeline-ecr-push', { expiration: new Date(Date.now() - 1000) });
    await expect(clientFor(expired).send(new GetAuthorizationTokenCommand({}))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
    });
    const good = cloud.admin.roleCredentials('bakeline-ecr-push');
    await expect(
      clientFor({ ...good, secretAccessKey: `x${good.secretAccessKey.slice(1)}` }).send(
        new GetAuthorizationTokenCommand({}),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    await expect(
      clientFor({ accessKeyId: 'AKIAXXXXXXXXXXXXXXXX', secretAccessKey: 'x' }).send(
        new GetAuthorizationTokenCommand({}),
      ),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});

describe('registry front', () => {
  it('challenges requests without credentials with Basic, as ECR does', async () => {
    const res = await fetch(`${registry}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Basic realm="${registry}/",service="ecr.amazonaws.com"`);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect((await fetch(`${registry}/v2/`, { headers: { authorization: basicAuth(password) } })).status).toBe(200);
    expect((await fetch(`${registry}/v2/`, { headers: { authorization: basicAuth('made-up') } })).status).toBe(401);
  });

  it('refuses an expired registry token with DENIED', async () => {
    const creds = cloud.admin.roleCredentials('bakeline-ecr-push');
    const old = cloud.admin.registryPassword(creds.accessKeyId, { expiresAt: new Date(Date.now() - 1000) });
    const res = await fetch(`${registry}/v2/ostock/mutable/tags/list`, { headers: { authorization: basicAuth(old) } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      errors: [
        {
          code: 'DENIED',
          message: 'Your authorization token has expired. Reauthenticate and try again.',
          detail: null,
        },
      ],
    });
  });

  it('refuses unknown repositories with NAME_UNKNOWN', async () => {
    const res = await fetch(`${registry}/v2/ostock/ghost/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basicAuth(password) },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errors: [
        {
          code: 'NAME_UNKNOWN',
          message: "The repository with name 'ostock/ghost' does not exist in the registry with id '123456789012'",
          detail: null,
        },
      ],
    });
  });

  it('refuses an OCI manifest without top-level mediaType as ECR does', async () => {
    const res = await pushImage(
      registry,
      'ostock/mutable',
      tinyImage('no-media-type', { omitMediaType: true }),
      'nm',
      basicAuth(password),
    );
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({
      errors: [
        {
          code: 'UNSUPPORTED',
          message: "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
          detail: null,
        },
      ],
    });
  });

  it('answers chunked PATCHes with 201 and a Range that stops at the first chunk, yet stores every byte', async () => {
    const auth = basicAuth(password);
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const b = blob(data, 'application/octet-stream');
    const start = await fetch(`${registry}/v2/ostock/mutable/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: auth },
    });
    expect(start.status).toBe(202);
    let location = start.headers.get('location') ?? '';
    expect(location.startsWith(`${registry}/v2/ostock/mutable/blobs/uploads/`)).toBe(true);
    const ranges: (string | null)[] = [];
    const chunk = 1024 * 1024;
    for (let offset = 0; offset < data.length; offset += chunk) {
      const res = await fetch(location, {
        method: 'PATCH',
        headers: {
          authorization: auth,
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${offset + chunk - 1}`,
        },
        body: new Uint8Array(data.subarray(offset, offset + chunk)),
      });
      expect(res.status).toBe(201);
      ranges.push(res.headers.get('range'));
      location = res.headers.get('location') ?? '';
    }
    expect(ranges).toEqual(['0-1048575', '0-1048575', '0-1048575']);
    const done = new URL(location);
    done.searchParams.set('digest', b.digest);
    expect((await fetch(done, { method: 'PUT', headers: { authorization: auth } })).status).toBe(201);
    const back = Buffer.from(
      await (
        await fetch(`${registry}/v2/ostock/mutable/blobs/${b.digest}`, { headers: { authorization: auth } })
      ).arrayBuffer(),
    );
    expect(blob(back, '').digest).toBe(b.digest);
  });

  it('redirects blob downloads to the layer bucket, as ECR redirects them to S3', async () => {
    const auth = basicAuth(password);
    const image = tinyImage('download');
    expect((await pushImage(registry, 'ostock/mutable', image, 'download', auth)).status).toBe(201);
    const layer = image.layers[0];
    const res = await fetch(`${registry}/v2/ostock/mutable/blobs/${layer?.digest}`, {
      headers: { authorization: auth },
      redirect: 'manual',
    });
    expect(res.status).toBe(307);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(`${cloud.endpoints.layerBucket}/layers/`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('3600');
    const body = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(body.equals(layer?.bytes ?? Buffer.alloc(0))).toBe(true);
    const head = await fetch(`${registry}/v2/ostock/mutable/blobs/${layer?.digest}`, {
      method: 'HEAD',
      headers: { authorization: auth },
      redirect: 'manual',
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(layer?.bytes.length));
    const missing = await fetch(`${registry}/v2/ostock/mutable/blobs/sha256:${'0'.repeat(64)}`, {
      headers: { authorization: auth },
      redirect: 'manual',
    });
    expect(missing.status).toBe(404);
  });

  it('mounts only blobs that a manifest of the source repository references', async () => {
    const auth = basicAuth(password);
    const image = tinyImage('mount-source');
    expect((await pushImage(registry, 'ostock/mutable', image, 'mount-source', auth)).status).toBe(201);
    const loose = tinyLayer('loose-blob');
    expect((await uploadBlob(registry, 'ostock/mutable', loose, auth)).status).toBe(201);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ostock/mount-target' }));
    const layer = image.layers[0]?.digest ?? '';
    const mounted = await fetch(
      `${registry}/v2/ostock/mount-target/blobs/uploads/?mount=${layer}&from=ostock/mutable`,
      { method: 'POST', headers: { authorization: auth } },
    );
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`${registry}/v2/ostock/mount-target/blobs/${layer}`);
    const notMounted = await fetch(
      `${registry}/v2/ostock/mount-target/blobs/uploads/?mount=${loose.digest}&from=ostock/mutable`,
      {
        method: 'POST',
        headers: { authorization: auth },
      },
    );
    expect(notMounted.status).toBe(202);
    expect(notMounted.headers.get('location')).toMatch(
      new RegExp(`^${registry}/v2/ostock/mount-target/blobs/uploads/[0-9a-f-]{36}\\?_state=`),
    );
    expect(
      cloud.admin
        .registryLog()
        .filter((e) => e.path.includes('mount='))
        .map((e) => [e.status, e.mounted]),
    ).toEqual([
      [201, true],
      [202, false],
    ]);
  });
});
