// The worked examples of the ECR user guide, "Examples of lifecycle policies in Amazon ECR"
// (lifecycle_policy_examples: repository contents, policy, "Result: ..."), each as one row, both
// in its current tagPatternList form and in the tagPrefixList form of the earlier guide; then the
// guide's evaluation rules on referrers (OCI `subject`) and manifest lists.
import { describe, expect, it, test } from 'vitest';
import { evaluateLifecyclePolicy, type LifecycleImage, ruleSelects } from './lifecycle-evaluation.ts';
import { type LifecyclePolicy, type LifecycleRule, validateLifecyclePolicy } from './lifecycle-policy.ts';

const NOW = new Date('2026-06-30T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number, minutes = 0) => new Date(NOW.getTime() - days * DAY + minutes * 60_000);
const image = (name: string, tags: string[], pushedAt: Date, more: Partial<LifecycleImage> = {}): LifecycleImage => ({
  digest: name,
  tags,
  pushedAt,
  ...more,
});

type Selection = LifecycleRule['selection'];
const rules = (...selections: Selection[]): LifecyclePolicy => {
  const text = JSON.stringify({
    rules: selections.map((selection, i) => ({
      rulePriority: i + 1,
      description: `Rule ${i + 1}`,
      selection,
      action: { type: 'expire' },
    })),
  });
  // Every policy below passes the local ECR's PutLifecyclePolicy validation first.
  return validateLifecyclePolicy(text.padEnd(100, ' '));
};
const tagged = (filter: { tagPatternList: string[] } | { tagPrefixList: string[] }, count: Partial<Selection>) =>
  ({ tagStatus: 'tagged', ...filter, ...count }) as Selection;
const keep = (n: number) => ({ countType: 'imageCountMoreThan', countNumber: n }) as const;
const olderThanDays = (n: number) => ({ countType: 'sinceImagePushed', countUnit: 'days', countNumber: n }) as const;

const expired = (policy: LifecyclePolicy, images: LifecycleImage[]) =>
  evaluateLifecyclePolicy(policy, images, NOW)
    .byRule.map((e) => e.digest)
    .sort();

// "Filtering on multiple rules", Examples A and B: same repository.
const multipleRulesRepo = [
  image('A', ['beta-1', 'prod-1'], ago(10)),
  image('B', ['beta-2', 'prod-2'], ago(9)),
  image('C', ['beta-3'], ago(8)),
];
// "Filtering on multiple tags in a single rule", Example A.
const multipleTagsRepoA = [
  image('A', ['alpha-1'], ago(12)),
  image('B', ['beta-1'], ago(11)),
  image('C', ['alpha-2', 'beta-2'], ago(10)),
  image('D', ['alpha-3'], ago(4)),
  image('E', ['beta-3'], ago(3)),
  image('F', ['alpha-4', 'beta-4'], ago(2)),
];
// Example B: "tags are not exclusive".
const multipleTagsRepoB = [
  image('A', ['alpha-1', 'beta-1', 'gamma-1'], ago(10)),
  image('B', ['alpha-2', 'beta-2'], ago(9)),
  image('C', ['alpha-3', 'beta-3', 'gamma-2'], ago(8)),
];
// "Filtering on all images", Example A.
const allImagesRepoA = [
  image('A', ['alpha-1'], ago(4)),
  image('B', ['beta-1'], ago(3)),
  image('C', [], ago(2)),
  image('D', ['alpha-2'], ago(1)),
];
// Example B: D and E were both "pushed 1 day ago"; the guide's result keeps E, so E is the newer.
const allImagesRepoB = [
  image('A', ['alpha-1', 'beta-1'], ago(4)),
  image('B', [], ago(3)),
  image('C', ['alpha-2'], ago(2)),
  image('D', ['git hash'], ago(1)),
  image('E', [], ago(1)),
];

describe('evaluateLifecyclePolicy: the user guide worked examples', () => {
  test.each([
    {
      example: 'multiple rules A (prod* keep 1, then beta* keep 1)',
      policy: rules(tagged({ tagPatternList: ['prod*'] }, keep(1)), tagged({ tagPatternList: ['beta*'] }, keep(1))),
      images: multipleRulesRepo,
      result: ['A'],
    },
    {
      example: 'multiple rules A, tagPrefixList form',
      policy: rules(tagged({ tagPrefixList: ['prod'] }, keep(1)), tagged({ tagPrefixList: ['beta'] }, keep(1))),
      images: multipleRulesRepo,
      result: ['A'],
    },
    {
      example: 'multiple rules B (beta* keep 1, then prod* keep 1)',
      policy: rules(tagged({ tagPatternList: ['beta*'] }, keep(1)), tagged({ tagPatternList: ['prod*'] }, keep(1))),
      images: multipleRulesRepo,
      result: ['A', 'B'],
    },
    {
      example: 'multiple rules B, tagPrefixList form',
      policy: rules(tagged({ tagPrefixList: ['beta'] }, keep(1)), tagged({ tagPrefixList: ['prod'] }, keep(1))),
      images: multipleRulesRepo,
      result: ['A', 'B'],
    },
    {
      example: 'multiple tags A (alpha* and beta*, older than 5 days)',
      policy: rules(tagged({ tagPatternList: ['alpha*', 'beta*'] }, olderThanDays(5))),
      images: multipleTagsRepoA,
      result: ['C'],
    },
    {
      example: 'multiple tags A, tagPrefixList form',
      policy: rules(tagged({ tagPrefixList: ['alpha', 'beta'] }, olderThanDays(5))),
      images: multipleTagsRepoA,
      result: ['C'],
    },
    {
      example: 'multiple tags B (alpha* and beta*, keep 1)',
      policy: rules(tagged({ tagPatternList: ['alpha*', 'beta*'] }, keep(1))),
      images: multipleTagsRepoB,
      result: ['A', 'B'],
    },
    {
      example: 'multiple tags B, tagPrefixList form',
      policy: rules(tagged({ tagPrefixList: ['alpha', 'beta'] }, keep(1))),
      images: multipleTagsRepoB,
      result: ['A', 'B'],
    },
    {
      example: 'all images A (any, keep 1)',
      policy: rules({ tagStatus: 'any', ...keep(1) }),
      images: allImagesRepoA,
      result: ['A', 'B', 'C'],
    },
    {
      example: 'all images B (alpha* keep 1; untagged older than 1 day; any keep 1)',
      policy: rules(
        tagged({ tagPatternList: ['alpha*'] }, keep(1)),
        { tagStatus: 'untagged', ...olderThanDays(1) },
        { tagStatus: 'any', ...keep(1) },
      ),
      images: allImagesRepoB,
      result: ['A', 'B', 'D'],
    },
  ])('$example: expires $result', ({ policy, images, result }) => {
    expect(expired(policy, images)).toEqual(result);
  });

  it('names the rule that expires each image (appliedRulePriority), oldest first', () => {
    const policy = rules(
      tagged({ tagPatternList: ['alpha*'] }, keep(1)),
      { tagStatus: 'untagged', ...olderThanDays(1) },
      { tagStatus: 'any', ...keep(1) },
    );
    expect(evaluateLifecyclePolicy(policy, allImagesRepoB, NOW).byRule).toEqual([
      { digest: 'A', rulePriority: 1 },
      { digest: 'B', rulePriority: 2 },
      { digest: 'D', rulePriority: 3 },
    ]);
  });

  it('"Filtering on image count": keeps only the newest untagged image', () => {
    const policy = rules({ tagStatus: 'untagged', ...keep(1) });
    const images = [image('old', [], ago(3)), image('tagged', ['v1'], ago(4)), image('new', [], ago(1))];
    expect(expired(policy, images)).toEqual(['old']);
  });

  it('"Filtering on image age": expires prod* images pushed more than 14 days ago, not at 14', () => {
    const policy = rules(tagged({ tagPatternList: ['prod*'] }, olderThanDays(14)));
    const images = [
      image('old', ['production-team1'], ago(14, -1)),
      image('edge', ['prod'], ago(14)),
      image('other', ['dev-1'], ago(30)),
    ];
    expect(expired(policy, images)).toEqual(['old']);
  });
});

describe('tag filters', () => {
  const pattern = (...tagPatternList: string[]) => tagged({ tagPatternList }, keep(1));
  test.each([
    { filter: pattern('prod*'), tags: ['prod', 'x'], selects: true },
    { filter: pattern('prod*'), tags: ['production-team1'], selects: true },
    { filter: pattern('prod*'), tags: ['my-prod'], selects: false },
    { filter: pattern('*prod*'), tags: ['repo-production'], selects: true },
    { filter: pattern('*prod*'), tags: ['prod-team'], selects: true },
    { filter: pattern('sha-*'), tags: ['sha-'], selects: true },
    { filter: pattern('v1.*'), tags: ['v1x2'], selects: false },
    { filter: pattern('prod*', 'beta*'), tags: ['prod-1'], selects: false },
    { filter: pattern('prod*'), tags: [], selects: false },
    { filter: tagged({ tagPrefixList: ['sha-'] }, keep(1)), tags: ['sha-abc'], selects: true },
    { filter: tagged({ tagPrefixList: ['sha-'] }, keep(1)), tags: ['v1', 'sha-abc'], selects: true },
    { filter: tagged({ tagPrefixList: ['sha-'] }, keep(1)), tags: ['shaabc'], selects: false },
    { filter: tagged({ tagPrefixList: ['sha-*'] }, keep(1)), tags: ['sha-abc'], selects: false },
  ])('$filter.tagPatternList$filter.tagPrefixList on $tags: $selects', ({ filter, tags, selects }) => {
    const rule: LifecycleRule = { rulePriority: 1, selection: filter, action: { type: 'expire' } };
    expect(ruleSelects(rule, tags)).toBe(selects);
  });
});

describe('referrers and manifest lists', () => {
  // "When reference artifacts are present in a repository, Amazon ECR lifecycle policies
  // automatically expire [...] those artifacts within 24 hours of the deletion [...] of the subject image."
  it('expires the referrers of an expired image with it, transitively', () => {
    const policy = rules(tagged({ tagPrefixList: ['sha-'] }, keep(1)));
    const images = [
      image('old', ['sha-1'], ago(3)),
      image('old-sbom', [], ago(3, 1), { subject: 'old' }),
      image('old-sbom-sig', [], ago(3, 2), { subject: 'old-sbom' }),
      image('new', ['sha-2'], ago(2)),
      image('new-sbom', [], ago(2, 1), { subject: 'new' }),
    ];
    const outcome = evaluateLifecyclePolicy(policy, images, NOW);
    expect(outcome.byRule).toEqual([{ digest: 'old', rulePriority: 1 }]);
    expect(outcome.withSubject).toEqual([
      { digest: 'old-sbom', subject: 'old' },
      { digest: 'old-sbom-sig', subject: 'old-sbom' },
    ]);
  });

  // The guide does not exempt referrers from the rules: an untagged rule counts and expires them
  // as untagged images, those of kept images included.
  it('counts untagged referrers as untagged images (the guide exempts none)', () => {
    const policy = rules({ tagStatus: 'untagged', ...keep(1) });
    const images = [
      image('kept', ['sha-1'], ago(3)),
      image('kept-sbom', [], ago(3, 1), { subject: 'kept' }),
      image('dangling', [], ago(1)),
    ];
    expect(evaluateLifecyclePolicy(policy, images, NOW).byRule).toEqual([{ digest: 'kept-sbom', rulePriority: 1 }]);
  });

  it('keeps a referrer whose subject is not in the repository (nothing was deleted)', () => {
    const policy = rules(tagged({ tagPrefixList: ['sha-'] }, keep(1)));
    const images = [image('sha', ['sha-1'], ago(2)), image('early', [], ago(3), { subject: 'sha256:absent' })];
    expect(evaluateLifecyclePolicy(policy, images, NOW)).toEqual({ byRule: [], withSubject: [] });
  });

  it('keeps an image a kept manifest list references ("cannot be expired without the manifest list")', () => {
    const policy = rules({ tagStatus: 'untagged', ...keep(1) });
    const images = [
      image('amd64', [], ago(3)),
      image('arm64', [], ago(3, 1)),
      image('list', ['v1'], ago(3, 2), { manifests: ['amd64', 'arm64'] }),
      image('dangling-1', [], ago(2)),
      image('dangling-2', [], ago(1)),
    ];
    expect(expired(policy, images)).toEqual(['dangling-1']);
    const listExpires = rules({ tagStatus: 'any', ...keep(1) });
    expect(expired(listExpires, images)).toEqual(['amd64', 'arm64', 'dangling-1', 'list']);
  });
});
