// The ECR API's repository settings, as the Terraform provider manages them: deletion, resource
// tags, tag mutability, scanning configuration, repository policies and lifecycle policy
// deletion (ECR API reference), with ECR's error types and messages.
import type { StoredCredentials } from '../aws/credential-store.ts';
import { JsonInput } from '../aws/json-protocol.ts';
import { MalformedPolicyDocumentError, parsePolicy } from '../iam/policy.ts';
import { EcrError, type EcrRegistry, type EcrRepository } from './ecr-registry.ts';

export interface SettingsContext {
  registry: EcrRegistry;
  /** Authorizes `action` on the named repository, then finds it (RepositoryNotFoundException). */
  repository(input: JsonInput, caller: StoredCredentials, action: string): EcrRepository;
  authorize(caller: StoredCredentials, action: string, resource: string): void;
  repositoryJson(repo: EcrRepository): unknown;
}

type Operation = (input: JsonInput, caller: StoredCredentials) => unknown;

const ARN = /^arn:aws[\w-]*:ecr:[a-z0-9-]+:(\d{12}):repository\/(.+)$/;

function tagsOf(input: JsonInput, name: string): { Key: string; Value: string }[] {
  return (input.list(name) ?? []).map((raw, i) => {
    const tag = new JsonInput(raw);
    const Key = tag.string('Key');
    const Value = tag.string('Value');
    if (Key === undefined || Value === undefined || Key.length < 1 || Key.length > 128 || Value.length > 256) {
      throw new EcrError(
        'InvalidTagParameterException',
        `${name}[${i}]: a tag needs a Key of 1..128 and a Value of 0..256 characters`,
      );
    }
    return { Key, Value };
  });
}

function policyNotFound(repo: EcrRepository): EcrError {
  return new EcrError(
    'RepositoryPolicyNotFoundException',
    `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
  );
}

export function repositorySettingsOperations(ctx: SettingsContext): Record<string, Operation> {
  /** The repository a resource ARN names, with the action authorized on it. */
  const byArn = (input: JsonInput, caller: StoredCredentials, action: string): EcrRepository => {
    const arn = input.requiredString('resourceArn');
    const m = ARN.exec(arn);
    if (!m) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'",
      );
    }
    ctx.authorize(caller, action, arn);
    const repo = ctx.registry.getRepository(m[2] ?? '');
    if (!repo || repo.arn !== arn) throw ctx.registry.notFound(m[2] ?? '');
    return repo;
  };
  const base = (repo: EcrRepository) => ({ registryId: repo.registryId, repositoryName: repo.name });

  return {
    DeleteRepository: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:DeleteRepository');
      const force = input.boolean('force') ?? false;
      if (repo.images.size > 0 && !force) {
        throw new EcrError(
          'RepositoryNotEmptyException',
          `The repository with name '${repo.name}' in registry with id '${repo.registryId}' cannot be deleted because it still contains images`,
        );
      }
      ctx.registry.deleteRepository(repo.name);
      return { repository: ctx.repositoryJson(repo) };
    },
    ListTagsForResource: (input, caller) => ({ tags: byArn(input, caller, 'ecr:ListTagsForResource').resourceTags }),
    TagResource: (input, caller) => {
      const repo = byArn(input, caller, 'ecr:TagResource');
      const added = tagsOf(input, 'tags');
      const kept = repo.resourceTags.filter((t) => !added.some((a) => a.Key === t.Key));
      if (kept.length + added.length > 50) {
        throw new EcrError('TooManyTagsException', 'The number of tags on the resource would exceed 50.');
      }
      repo.resourceTags = [...kept, ...added];
      return {};
    },
    UntagResource: (input, caller) => {
      const repo = byArn(input, caller, 'ecr:UntagResource');
      const keys = input.stringList('tagKeys');
      if (keys === undefined) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'tagKeys' failed to satisfy constraint: 'Member must not be null'",
        );
      }
      repo.resourceTags = repo.resourceTags.filter((t) => !keys.includes(t.Key));
      return {};
    },
    PutImageTagMutability: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:PutImageTagMutability');
      const value = input.requiredString('imageTagMutability');
      if (value !== 'MUTABLE' && value !== 'IMMUTABLE') {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'",
        );
      }
      repo.imageTagMutability = value;
      return { ...base(repo), imageTagMutability: value };
    },
    PutImageScanningConfiguration: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:PutImageScanningConfiguration');
      const config = input.object('imageScanningConfiguration');
      if (!config) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'imageScanningConfiguration' failed to satisfy constraint: 'Member must not be null'",
        );
      }
      repo.scanOnPush = config.boolean('scanOnPush') ?? false;
      return { ...base(repo), imageScanningConfiguration: { scanOnPush: repo.scanOnPush } };
    },
    SetRepositoryPolicy: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:SetRepositoryPolicy');
      const text = input.requiredString('policyText');
      try {
        parsePolicy(text, 'trust');
      } catch (error) {
        if (error instanceof MalformedPolicyDocumentError) {
          throw new EcrError(
            'InvalidParameterException',
            `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'`,
          );
        }
        throw error;
      }
      repo.policyText = text;
      return { ...base(repo), policyText: text };
    },
    GetRepositoryPolicy: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:GetRepositoryPolicy');
      if (repo.policyText === undefined) throw policyNotFound(repo);
      return { ...base(repo), policyText: repo.policyText };
    },
    DeleteRepositoryPolicy: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:DeleteRepositoryPolicy');
      const text = repo.policyText;
      if (text === undefined) throw policyNotFound(repo);
      delete repo.policyText;
      return { ...base(repo), policyText: text };
    },
    DeleteLifecyclePolicy: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:DeleteLifecyclePolicy');
      const text = repo.lifecyclePolicyText;
      if (text === undefined) {
        throw new EcrError(
          'LifecyclePolicyNotFoundException',
          `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
        );
      }
      delete repo.lifecyclePolicyText;
      return { ...base(repo), lifecyclePolicyText: text, lastEvaluatedAt: repo.createdAt.getTime() / 1000 };
    },
  };
}
