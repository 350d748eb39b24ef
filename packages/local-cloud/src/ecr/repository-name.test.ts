import { expect, test } from 'vitest';
import { isValidTag, repositoryNameProblem } from './repository-name.ts';

test.each([
  ['ostock/licensing-service', true],
  ['a1', true],
  ['team.x/app_1/svc-2', true],
  ['a', false],
  ['Upper/case', false],
  ['trailing-', false],
  ['double//slash', false],
  ['x'.repeat(257), false],
])('repository name %s valid: %s', (name, valid) => {
  expect(repositoryNameProblem(name) === undefined).toBe(valid);
});

test.each([
  ['v1.2.3', true],
  ['latest', true],
  ['_x', true],
  ['.hidden', false],
  ['has:colon', false],
  ['x'.repeat(129), false],
])('tag %s valid: %s', (tag, valid) => {
  expect(isValidTag(tag)).toBe(valid);
});
