// Which images an ECR lifecycle policy expires: a pure function of the policy, the repository's
// images (tags, push time, OCI `subject`, index children) and the time of the run. It follows the
// user guide, "Lifecycle policy evaluation rules" (LifecyclePolicies), and reproduces the worked
// examples of "Examples of lifecycle policies" (lifecycle-evaluation.test.ts):
// - all rules are evaluated at the same time; each identifies the images its selection matches,
//   also those a higher-priority rule expires ("can still identify them as if they haven't been
//   expired"), then the rules are applied in ascending rulePriority;
// - an image is expired by exactly one or zero rules, and an image that matches the tagging
//   requirements of a higher-priority rule cannot be expired by a lower-priority rule (even when
//   that higher rule keeps it);
// - tagStatus tagged needs every entry of tagPrefixList (a prefix) or tagPatternList (`*`
//   wildcards) to match at least one of the image's tags; untagged: no tag; any: every image;
// - imageCountMoreThan sorts the selected images newest first by push time and expires those past
//   countNumber; sinceImagePushed expires those pushed more than countNumber days before the run;
// - an image referenced by a manifest list cannot be expired unless that list is expired too;
// - "When reference artifacts are present in a repository, Amazon ECR lifecycle policies
//   automatically expire [...] those artifacts within 24 hours of the deletion [...] of the subject
//   image": the referrers of an expired image (and theirs, transitively) expire with it.
// What the guide does not say, decided conservatively: a referrer is an image like any other for
// the rules (an untagged one is selected and counted by `untagged` and `any` rules); images pushed
// at the same instant keep the order they are given in (later = newer).
import type { LifecyclePolicy, LifecycleRule } from './lifecycle-policy.ts';

export interface LifecycleImage {
  digest: string;
  tags: readonly string[];
  pushedAt: Date;
  /** Digest of the manifest this one refers to (OCI 1.1 `subject`): an attestation, a signature. */
  subject?: string;
  /** Digests of the manifests an index (manifest list) references. */
  manifests?: readonly string[];
}

export interface RuleExpiration {
  digest: string;
  /** rulePriority of the rule that expires the image (GetLifecyclePolicyPreview's appliedRulePriority). */
  rulePriority: number;
}

export interface SubjectExpiration {
  digest: string;
  /** The expired image this referrer refers to. */
  subject: string;
}

export interface LifecycleOutcome {
  /** Images the rules expire, oldest first. */
  byRule: RuleExpiration[];
  /** Referrers expired with their subject, oldest first. */
  withSubject: SubjectExpiration[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Whether the rule's tagStatus and tag filter select the image (its "tagging requirements"). */
export function ruleSelects(rule: LifecycleRule, tags: readonly string[]): boolean {
  const s = rule.selection;
  if (s.tagStatus === 'any') return true;
  if (s.tagStatus === 'untagged') return tags.length === 0;
  if (tags.length === 0) return false;
  if (s.tagPrefixList !== undefined) return s.tagPrefixList.every((p) => tags.some((t) => t.startsWith(p)));
  const patterns = (s.tagPatternList ?? []).map(patternRegExp);
  return patterns.every((re) => tags.some((t) => re.test(t)));
}

/** The selected images the rule would expire, judged by count or age alone. */
function ruleCandidates(rule: LifecycleRule, selected: readonly LifecycleImage[], now: Date): LifecycleImage[] {
  const s = rule.selection;
  if (s.countType === 'imageCountMoreThan') return selected.slice(s.countNumber);
  const limit = now.getTime() - s.countNumber * DAY_MS;
  return selected.filter((image) => image.pushedAt.getTime() < limit);
}

export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: readonly LifecycleImage[],
  now: Date,
): LifecycleOutcome {
  // Newest first; the same instant keeps the given order, later being newer.
  const newestFirst = images
    .map((image, index) => ({ image, index }))
    .sort((a, b) => b.image.pushedAt.getTime() - a.image.pushedAt.getTime() || b.index - a.index)
    .map((e) => e.image);
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const expiredBy = new Map<string, number>();
  const matchedByHigher = new Set<string>();
  for (const rule of rules) {
    const selected = newestFirst.filter((image) => ruleSelects(rule, image.tags));
    for (const image of ruleCandidates(rule, selected, now)) {
      if (expiredBy.has(image.digest) || matchedByHigher.has(image.digest)) continue;
      expiredBy.set(image.digest, rule.rulePriority);
    }
    for (const image of selected) matchedByHigher.add(image.digest);
  }

  // A manifest list's children stay while a list that references them stays.
  const present = new Set(images.map((image) => image.digest));
  for (const list of images) {
    if (expiredBy.has(list.digest)) continue;
    for (const child of list.manifests ?? []) if (present.has(child)) expiredBy.delete(child);
  }

  // Referrers follow their expired subject, transitively (a signature of an attestation).
  const withSubject = new Map<string, string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const image of images) {
      if (image.subject === undefined || expiredBy.has(image.digest) || withSubject.has(image.digest)) continue;
      if (expiredBy.has(image.subject) || withSubject.has(image.subject)) {
        withSubject.set(image.digest, image.subject);
        grew = true;
      }
    }
  }

  const oldestFirst = [...newestFirst].reverse();
  return {
    byRule: oldestFirst.flatMap((image) => {
      const rulePriority = expiredBy.get(image.digest);
      return rulePriority !== undefined ? [{ digest: image.digest, rulePriority }] : [];
    }),
    withSubject: oldestFirst.flatMap((image) => {
      const subject = withSubject.get(image.digest);
      return subject !== undefined ? [{ digest: image.digest, subject }] : [];
    }),
  };
}
