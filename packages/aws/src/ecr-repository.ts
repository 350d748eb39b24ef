// The repository to push into: found, or created the way bakeline wants it (IMMUTABLE tags, scan
// on push, an optional lifecycle policy). A concurrent creator (RepositoryAlreadyExistsException)
// is fine.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  PutLifecyclePolicyCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { type Logger, silentLogger } from '@bakeline/toolkit';
import { awsErrorCode } from './aws-error.ts';
import { explainEcrError } from './ecr-errors.ts';

export interface EnsureRepositoryOptions {
  name: string;
  registryId?: string;
  /** Create the repository when it does not exist (else that is an error). */
  create: boolean;
  /** ECR lifecycle policy (JSON text) put on a repository this call creates. */
  lifecyclePolicy?: string;
  logger?: Logger;
}

export interface EnsuredRepository {
  name: string;
  uri: string;
  registryId: string;
  created: boolean;
  tagMutability: string;
  scanOnPush: boolean;
}

function ensured(repository: Repository | undefined, name: string, created: boolean): EnsuredRepository {
  if (!repository?.repositoryUri) throw new Error(`ECR answered without repository '${name}'`);
  return {
    name,
    uri: repository.repositoryUri,
    registryId: repository.registryId ?? '',
    created,
    tagMutability: repository.imageTagMutability ?? 'MUTABLE',
    scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
  };
}

async function describe(client: ECRClient, name: string, registryId?: string): Promise<Repository | undefined> {
  try {
    const out = await client.send(
      new DescribeRepositoriesCommand({ ...(registryId ? { registryId } : {}), repositoryNames: [name] }),
    );
    return out.repositories?.[0];
  } catch (error: unknown) {
    if (awsErrorCode(error) === 'RepositoryNotFoundException') return undefined;
    throw explainEcrError(error, `Could not describe ECR repository '${name}'`, 'ecr:DescribeRepositories');
  }
}

export async function ensureRepository(
  client: ECRClient,
  options: EnsureRepositoryOptions,
): Promise<EnsuredRepository> {
  const { name, registryId } = options;
  const logger = options.logger ?? silentLogger;
  const scope = registryId ? { registryId } : {};
  const existing = await describe(client, name, registryId);
  if (existing) {
    const found = ensured(existing, name, false);
    if (found.tagMutability !== 'IMMUTABLE') {
      logger.warning(
        `tags of ${found.uri} are ${found.tagMutability}: bakeline never moves a tag, but other clients can; set the repository's tags IMMUTABLE`,
      );
    }
    return found;
  }
  if (!options.create) {
    throw new Error(
      `ECR repository '${name}' does not exist${registryId ? ` in registry ${registryId}` : ''}: create it, or set 'create-repository' to true`,
    );
  }
  let created: Repository | undefined;
  try {
    const out = await client.send(
      new CreateRepositoryCommand({
        ...scope,
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    created = out.repository;
  } catch (error: unknown) {
    if (awsErrorCode(error) !== 'RepositoryAlreadyExistsException') {
      throw explainEcrError(error, `Could not create ECR repository '${name}'`, 'ecr:CreateRepository');
    }
    logger.info(`repository '${name}' was created meanwhile by someone else`);
    return ensured(await describe(client, name, registryId), name, false);
  }
  logger.info(`created ECR repository ${created?.repositoryUri ?? name} (IMMUTABLE tags, scan on push)`);
  if (options.lifecyclePolicy !== undefined) {
    await client
      .send(
        new PutLifecyclePolicyCommand({ ...scope, repositoryName: name, lifecyclePolicyText: options.lifecyclePolicy }),
      )
      .catch((error: unknown) => {
        throw explainEcrError(error, `Could not put the lifecycle policy on '${name}'`, 'ecr:PutLifecyclePolicy');
      });
    logger.info(`put the lifecycle policy on '${name}'`);
  }
  return ensured(created, name, true);
}
