import { afterEach, describe, expect, it } from 'vitest';
import {
  type AwsAnswer,
  type AwsCall,
  type AwsTestServer,
  ecrAnswer,
  ecrError,
  startAwsTestServer,
} from '../test/aws-test-server.ts';
import { createEcrClient } from './ecr-client.ts';
import { ensureRepository } from './ecr-repository.ts';

const credentials = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const repository = (name: string, mutability = 'IMMUTABLE', scanOnPush = true) => ({
  repositoryName: name,
  registryId: '123456789012',
  repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
  repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`,
  imageTagMutability: mutability,
  imageScanningConfiguration: { scanOnPush },
});
const notFound = ecrError('RepositoryNotFoundException', "The repository with name 'x' does not exist");

async function client(script: Record<string, AwsAnswer[]>) {
  const used: Record<string, number> = {};
  server = await startAwsTestServer((call: AwsCall) => {
    const i = used[call.operation] ?? 0;
    used[call.operation] = i + 1;
    const answer = script[call.operation]?.[i];
    if (!answer) throw new Error(`unscripted ${call.operation} #${i}`);
    return answer;
  });
  const warnings: string[] = [];
  const logger = {
    info: () => {},
    debug: () => {},
    error: () => {},
    warning: (m: string) => warnings.push(m),
    group: <T>(_: string, fn: () => Promise<T>) => fn(),
  };
  return {
    ecr: createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 }),
    calls: server.calls,
    warnings,
    logger,
  };
}

describe('ensureRepository', () => {
  it('finds an existing repository and creates nothing', async () => {
    const { ecr, calls } = await client({ DescribeRepositories: [ecrAnswer({ repositories: [repository('svc')] })] });
    const got = await ensureRepository(ecr, { name: 'svc', create: true });
    expect(got).toMatchObject({ created: false, tagMutability: 'IMMUTABLE', scanOnPush: true });
    expect(calls.map((c) => c.operation)).toEqual(['DescribeRepositories']);
  });

  it('warns when an existing repository has MUTABLE tags', async () => {
    const { ecr, warnings, logger } = await client({
      DescribeRepositories: [ecrAnswer({ repositories: [repository('svc', 'MUTABLE')] })],
    });
    await ensureRepository(ecr, { name: 'svc', create: true, logger });
    expect(warnings[0]).toMatch(/are MUTABLE/);
  });

  it('creates a missing repository IMMUTABLE with scan on push, then puts the lifecycle policy', async () => {
    const policy = '{"rules":[]}';
    const { ecr, calls } = await client({
      DescribeRepositories: [notFound],
      CreateRepository: [ecrAnswer({ repository: repository('team/svc') })],
      PutLifecyclePolicy: [ecrAnswer({ repositoryName: 'team/svc', lifecyclePolicyText: policy })],
    });
    const got = await ensureRepository(ecr, {
      name: 'team/svc',
      create: true,
      lifecyclePolicy: policy,
      registryId: '123456789012',
    });
    expect(got.created).toBe(true);
    expect(calls[1]).toMatchObject({
      operation: 'CreateRepository',
      params: {
        registryId: '123456789012',
        repositoryName: 'team/svc',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      },
    });
    expect(calls[2]).toMatchObject({
      operation: 'PutLifecyclePolicy',
      params: { repositoryName: 'team/svc', lifecyclePolicyText: policy },
    });
  });

  it('tolerates a repository created meanwhile by someone else', async () => {
    const { ecr } = await client({
      DescribeRepositories: [notFound, ecrAnswer({ repositories: [repository('svc')] })],
      CreateRepository: [ecrError('RepositoryAlreadyExistsException', 'exists')],
    });
    expect(await ensureRepository(ecr, { name: 'svc', create: true })).toMatchObject({ created: false });
  });

  it('refuses to create when create is false, naming the input to change', async () => {
    const { ecr, calls } = await client({ DescribeRepositories: [notFound] });
    await expect(ensureRepository(ecr, { name: 'svc', create: false })).rejects.toThrow(
      "ECR repository 'svc' does not exist: create it, or set 'create-repository' to true",
    );
    expect(calls).toHaveLength(1);
  });

  it('explains a denied CreateRepository', async () => {
    const { ecr } = await client({
      DescribeRepositories: [notFound],
      CreateRepository: [ecrError('AccessDeniedException', 'not authorized')],
    });
    await expect(ensureRepository(ecr, { name: 'svc', create: true })).rejects.toThrow(
      "Could not create ECR repository 'svc': AccessDeniedException: not authorized (the role lacks ecr:CreateRepository",
    );
  });
});
