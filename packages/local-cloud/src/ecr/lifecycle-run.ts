// Runs a repository's lifecycle policy on the local ECR's images. Real ECR runs it on its own,
// "within 24 hours" of an image meeting the criteria, and expires the referrers of an expired
// image "within 24 hours" of it; the local cloud has no such schedule: a run happens when it is
// asked for (LocalCloudAdmin.runLifecyclePolicy, the admin endpoint's POST /ecr/lifecycle-runs:
// local-only, no AWS API does this) and expires both at once.
import { subjectOf } from '../registry-front/referrers.ts';
import { EcrError, type EcrRegistry, type EcrRepository } from './ecr-registry.ts';
import { evaluateLifecyclePolicy, type LifecycleImage, type LifecycleOutcome } from './lifecycle-evaluation.ts';
import { validateLifecyclePolicy } from './lifecycle-policy.ts';

/** The repository's images as the lifecycle evaluator sees them. */
export function lifecycleImages(registry: EcrRegistry, repo: EcrRepository): LifecycleImage[] {
  return [...repo.images.values()].map((image) => {
    const entry: LifecycleImage = {
      digest: image.digest,
      tags: registry.tagsOf(repo, image.digest),
      pushedAt: image.pushedAt,
    };
    const subject = subjectOf(image.manifest);
    if (subject !== undefined) entry.subject = subject;
    if (image.manifests.length > 0) entry.manifests = image.manifests;
    return entry;
  });
}

export function lifecyclePolicyNotFound(repo: EcrRepository): EcrError {
  return new EcrError(
    'LifecyclePolicyNotFoundException',
    `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`,
  );
}

/** Evaluates `policyText` on the repository as it is now, changing nothing. */
export function previewLifecyclePolicy(
  registry: EcrRegistry,
  repo: EcrRepository,
  policyText: string,
  now: Date,
): LifecycleOutcome {
  return evaluateLifecyclePolicy(validateLifecyclePolicy(policyText), lifecycleImages(registry, repo), now);
}

/** Runs the repository's lifecycle policy: expires what its rules select and their referrers. */
export function runLifecyclePolicy(registry: EcrRegistry, repo: EcrRepository, now: Date): LifecycleOutcome {
  if (repo.lifecyclePolicyText === undefined) throw lifecyclePolicyNotFound(repo);
  const outcome = previewLifecyclePolicy(registry, repo, repo.lifecyclePolicyText, now);
  registry.expireImages(
    repo,
    [...outcome.byRule, ...outcome.withSubject].map((e) => e.digest),
  );
  repo.lifecyclePolicyEvaluatedAt = now;
  return outcome;
}
