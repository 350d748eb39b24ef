import { describe, expect, it, test } from 'vitest';
import { EcrError } from './ecr-registry.ts';
import { validateLifecyclePolicy } from './lifecycle-policy.ts';

const rule = (over: Record<string, unknown> = {}, selection: Record<string, unknown> = {}) => ({
  rulePriority: 1,
  description: 'keep the last 30 release images',
  selection: {
    tagStatus: 'tagged',
    tagPrefixList: ['v'],
    countType: 'imageCountMoreThan',
    countNumber: 30,
    ...selection,
  },
  action: { type: 'expire' },
  ...over,
});
const policy = (...rules: unknown[]) => JSON.stringify({ rules });

describe('validateLifecyclePolicy', () => {
  it('accepts the policies ECR accepts', () => {
    expect(() =>
      validateLifecyclePolicy(
        policy(
          rule(),
          rule(
            { rulePriority: 2 },
            {
              tagStatus: 'untagged',
              tagPrefixList: undefined,
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 14,
            },
          ),
          rule({ rulePriority: 3 }, { tagStatus: 'any', tagPrefixList: undefined, countNumber: 500 }),
        ),
      ),
    ).not.toThrow();
  });

  test.each([
    ['text under 100 characters', '{"rules":[]}', 'Member must have length greater than or equal to 100'],
    ['JSON that does not parse', `${policy(rule())}}`.padEnd(120, ' '), 'Invalid JSON syntax'],
    ['a duplicate rulePriority', policy(rule(), rule()), 'The rulePriority 1 is used more than once'],
    [
      'tagged without a tag list',
      policy(rule({}, { tagPrefixList: undefined })),
      'tagPrefixList or tagPatternList (exactly one) is required',
    ],
    [
      'sinceImagePushed without countUnit',
      policy(rule({}, { countType: 'sinceImagePushed' })),
      'countUnit must be days',
    ],
    ['an unknown action', policy(rule({ action: { type: 'archive' } })), 'action.type must be expire'],
    [
      'an unknown field',
      policy(rule({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1, color: 'red' } })),
      'not allowed by the schema: ["color"]',
    ],
    [
      'an any rule that is not last',
      policy(rule({ rulePriority: 2 }), rule({ rulePriority: 1 }, { tagStatus: 'any', tagPrefixList: undefined })),
      'The rule with tagStatus any must have the highest value for rulePriority',
    ],
    [
      'a tag pattern with five wildcards',
      policy(rule({}, { tagPrefixList: undefined, tagPatternList: ['test*1*2*3*4*5*6'] })),
      "'test*1*2*3*4*5*6' has more than four wildcards (*)",
    ],
    [
      'two rules that select untagged images',
      policy(
        rule({}, { tagStatus: 'untagged', tagPrefixList: undefined }),
        rule({ rulePriority: 2 }, { tagStatus: 'untagged', tagPrefixList: undefined, countNumber: 5 }),
      ),
      'Only one rule is allowed to select untagged images',
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(() => validateLifecyclePolicy(text)).toThrow(EcrError);
    expect(() => validateLifecyclePolicy(text)).toThrow(message);
  });

  it("accepts four wildcards per pattern (the user guide's valid example) and returns the typed policy", () => {
    const parsed = validateLifecyclePolicy(
      policy(rule({}, { tagPrefixList: undefined, tagPatternList: ['*test*1*2*3', 'test*1*2*3*'] })),
    );
    expect(parsed.rules[0]).toEqual({
      rulePriority: 1,
      description: 'keep the last 30 release images',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['*test*1*2*3', 'test*1*2*3*'],
        countType: 'imageCountMoreThan',
        countNumber: 30,
      },
      action: { type: 'expire' },
    });
  });

  it("words failures as ECR's InvalidParameterException", () => {
    try {
      validateLifecyclePolicy(policy(rule(), rule()));
    } catch (error) {
      expect(error).toMatchObject({
        type: 'InvalidParameterException',
        message:
          "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: The rulePriority 1 is used more than once'",
      });
      return;
    }
    throw new Error('expected a failure');
  });
});
