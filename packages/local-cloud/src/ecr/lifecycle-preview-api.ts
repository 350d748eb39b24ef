// StartLifecyclePolicyPreview and GetLifecyclePolicyPreview (ECR API reference; shapes as in the
// service model the AWS CLI ships): a dry run of a lifecycle policy (the given text, else the
// repository's) on the repository's images, with the images it would expire, each with the
// rulePriority that expires it. The local preview is complete as soon as it starts (Start answers
// IN_PROGRESS as ECR does; Get then answers COMPLETE, so `aws ecr wait
// lifecycle-policy-preview-complete` returns at once). The preview lists what the rules expire;
// the referrers of those images, which ECR expires after their subject, are not rule results and
// are not listed (the guide does not say that a preview shows them).
import type { StoredCredentials } from '../aws/credential-store.ts';
import { JsonInput, JsonProtocolError } from '../aws/json-protocol.ts';
import { EcrError, type EcrRegistry, type EcrRepository } from './ecr-registry.ts';
import type { RuleExpiration } from './lifecycle-evaluation.ts';
import { lifecyclePolicyNotFound, previewLifecyclePolicy } from './lifecycle-run.ts';

export interface PreviewContext {
  registry: EcrRegistry;
  /** Authorizes `action` on the named repository, then finds it (RepositoryNotFoundException). */
  repository(input: JsonInput, caller: StoredCredentials, action: string): EcrRepository;
  now(): Date;
}

type Operation = (input: JsonInput, caller: StoredCredentials) => unknown;

interface Preview {
  policyText: string;
  expirations: RuleExpiration[];
}

const TAG_STATUS = ['TAGGED', 'UNTAGGED', 'ANY'] as const;

function offsetOf(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (Number.isInteger(offset) && offset > 0) return offset;
  throw new EcrError(
    'InvalidParameterException',
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'",
  );
}

function digestsNamed(input: JsonInput, registry: EcrRegistry, repo: EcrRepository): Set<string> | undefined {
  const ids = input.list('imageIds');
  if (ids === undefined) return undefined;
  const digests = new Set<string>();
  ids.forEach((raw, i) => {
    const id = new JsonInput(raw);
    const image = registry.resolve(repo, {
      ...(id.string('imageTag') !== undefined ? { imageTag: id.string('imageTag') as string } : {}),
      ...(id.string('imageDigest') !== undefined ? { imageDigest: id.string('imageDigest') as string } : {}),
    });
    if (id.string('imageTag') === undefined && id.string('imageDigest') === undefined) {
      throw new JsonProtocolError('SerializationException', `imageIds[${i}]: needs an imageTag or an imageDigest`);
    }
    if (image) digests.add(image.digest);
  });
  return digests;
}

export function lifecyclePreviewOperations(ctx: PreviewContext): Record<string, Operation> {
  const previews = new Map<string, Preview>();
  return {
    StartLifecyclePolicyPreview: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:StartLifecyclePolicyPreview');
      const policyText = input.string('lifecyclePolicyText') ?? repo.lifecyclePolicyText;
      if (policyText === undefined) throw lifecyclePolicyNotFound(repo);
      const outcome = previewLifecyclePolicy(ctx.registry, repo, policyText, ctx.now());
      previews.set(repo.name, { policyText, expirations: outcome.byRule });
      return {
        registryId: repo.registryId,
        repositoryName: repo.name,
        lifecyclePolicyText: policyText,
        status: 'IN_PROGRESS',
      };
    },
    GetLifecyclePolicyPreview: (input, caller) => {
      const repo = ctx.repository(input, caller, 'ecr:GetLifecyclePolicyPreview');
      const preview = previews.get(repo.name);
      // The service model's documentation of LifecyclePolicyPreviewNotFoundException.
      if (!preview)
        throw new EcrError('LifecyclePolicyPreviewNotFoundException', 'There is no dry run for this repository.');
      const maxResults = input.number('maxResults');
      if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 100 and greater than or equal to 1'",
        );
      }
      const named = digestsNamed(input, ctx.registry, repo);
      if (named !== undefined && maxResults !== undefined) {
        throw new EcrError('InvalidParameterException', 'maxResults cannot be used when imageIds are specified');
      }
      const filter = input.object('filter');
      const tagStatus = filter?.string('tagStatus') ?? 'ANY';
      if (!(TAG_STATUS as readonly string[]).includes(tagStatus)) {
        throw new JsonProtocolError(
          'SerializationException',
          `filter.tagStatus: '${tagStatus}' is not one of ${TAG_STATUS.join(', ')}`,
        );
      }
      const results = preview.expirations.flatMap((expiration) => {
        const image = repo.images.get(expiration.digest);
        if (!image || (named !== undefined && !named.has(image.digest))) return [];
        const imageTags = ctx.registry.tagsOf(repo, image.digest);
        if (tagStatus === 'TAGGED' && imageTags.length === 0) return [];
        if (tagStatus === 'UNTAGGED' && imageTags.length > 0) return [];
        return [
          {
            ...(imageTags.length > 0 ? { imageTags } : {}),
            imageDigest: image.digest,
            imagePushedAt: image.pushedAt.getTime() / 1000,
            action: { type: 'EXPIRE' },
            appliedRulePriority: expiration.rulePriority,
          },
        ];
      });
      const offset = offsetOf(input.string('nextToken'));
      const limit = maxResults ?? 100;
      const page = results.slice(offset, offset + limit);
      return {
        registryId: repo.registryId,
        repositoryName: repo.name,
        lifecyclePolicyText: preview.policyText,
        status: 'COMPLETE',
        previewResults: page,
        ...(offset + limit < results.length
          ? { nextToken: Buffer.from(String(offset + limit)).toString('base64') }
          : {}),
        summary: { expiringImageTotalCount: results.length },
      };
    },
  };
}
