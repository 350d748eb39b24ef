// The ECR API's repository settings through the AWS SDK's ECR client: what the Terraform provider
// does to a repository (tags, mutability, scanning, policies, deletion) and ECR's refusals.
import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { listen, type StartedServer } from '../http/server.ts';
import { Iam } from '../iam/iam.ts';
import { EcrApi } from './ecr-api.ts';
import { EcrRegistry } from './ecr-registry.ts';
import { RegistryTokens } from './registry-tokens.ts';
import { ScanFindingsStore } from './scan-findings.ts';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
let server: StartedServer;
let client: ECRClient;
let registry: EcrRegistry;

beforeAll(async () => {
  const iam = new Iam({ accountId: ACCOUNT });
  const user = iam.createUser({
    name: 'tf',
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
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/ostock/app`;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'ecr:BatchGetImage' },
  ],
});

describe('repository settings', () => {
  it('tags, changes mutability and scanning, sets and deletes policies, deletes the repository', async () => {
    await client.send(
      new CreateRepositoryCommand({
        repositoryName: 'ostock/app',
        imageTagMutability: 'IMMUTABLE',
        tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual([
      { Key: 'team', Value: 'a' },
    ]);
    await client.send(new TagResourceCommand({ resourceArn: ARN, tags: [{ Key: 'env', Value: 'dev' }] }));
    await client.send(new UntagResourceCommand({ resourceArn: ARN, tagKeys: ['team'] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual([
      { Key: 'env', Value: 'dev' },
    ]);

    await client.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'ostock/app', imageTagMutability: 'MUTABLE' }),
    );
    await client.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: 'ostock/app',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    const [repo] =
      (await client.send(new DescribeRepositoriesCommand({ repositoryNames: ['ostock/app'] }))).repositories ?? [];
    expect(repo?.imageTagMutability).toBe('MUTABLE');
    expect(repo?.imageScanningConfiguration?.scanOnPush).toBe(true);

    await expect(client.send(new GetRepositoryPolicyCommand({ repositoryName: 'ostock/app' }))).rejects.toMatchObject({
      name: 'RepositoryPolicyNotFoundException',
      message: `Repository policy does not exist for the repository with name 'ostock/app' in the registry with id '${ACCOUNT}'`,
    });
    await client.send(new SetRepositoryPolicyCommand({ repositoryName: 'ostock/app', policyText: POLICY }));
    expect((await client.send(new GetRepositoryPolicyCommand({ repositoryName: 'ostock/app' }))).policyText).toBe(
      POLICY,
    );
    await client.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'ostock/app' }));

    await expect(client.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'ostock/app' }))).rejects.toMatchObject(
      { name: 'LifecyclePolicyNotFoundException' },
    );
    const lifecycle = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 5 },
          action: { type: 'expire' },
        },
      ],
    });
    await client.send(new PutLifecyclePolicyCommand({ repositoryName: 'ostock/app', lifecyclePolicyText: lifecycle }));
    expect(
      (await client.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'ostock/app' }))).lifecyclePolicyText,
    ).toBe(lifecycle);

    await client.send(new DeleteRepositoryCommand({ repositoryName: 'ostock/app' }));
    await expect(
      client.send(new DescribeRepositoriesCommand({ repositoryNames: ['ostock/app'] })),
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });

  it('refuses to delete a repository with images unless forced', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'ostock/full' }));
    registry.requireRepository('ostock/full').images.set('sha256:00', {
      digest: 'sha256:00',
      manifest: Buffer.from('{}'),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      sizeInBytes: 2,
      pushedAt: new Date(),
      blobs: [],
      manifests: [],
    });
    await expect(client.send(new DeleteRepositoryCommand({ repositoryName: 'ostock/full' }))).rejects.toMatchObject({
      name: 'RepositoryNotEmptyException',
      message: `The repository with name 'ostock/full' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`,
    });
    await client.send(new DeleteRepositoryCommand({ repositoryName: 'ostock/full', force: true }));
    expect(registry.getRepository('ostock/full')).toBeUndefined();
  });

  it('refuses a bad ARN, a bad mutability, and names an operation it does not implement', async () => {
    await expect(client.send(new ListTagsForResourceCommand({ resourceArn: 'nope' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await client.send(new CreateRepositoryCommand({ repositoryName: 'ostock/other' }));
    await expect(
      client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: 'ostock/other',
          imageTagMutability: 'SOMETIMES' as 'MUTABLE',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.PutRegistryPolicy' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'UnknownOperationException',
      message:
        'AmazonEC2ContainerRegistry_V20150921.PutRegistryPolicy: the local ECR does not implement this operation',
    });
  });
});
