import { expect, test } from 'vitest';
import { matchesFilter } from './ref-filter.ts';

test.each([
  ['main', ['main'], true],
  ['feature/x', ['feature/*'], true],
  ['feature/x/y', ['feature/*'], false],
  ['feature/x/y', ['feature/**'], true],
  ['release-1', ['release-?'], true],
  ['release-10', ['release-?'], false],
  ['main', ['*', '!main'], false],
  ['main', ['!main', 'main'], true],
  ['v1.2.3', ['v1.*'], true],
  ['v1x2', ['v1.2'], false],
])('%s against %j -> %s', (name, patterns, expected) => {
  expect(matchesFilter(name, patterns)).toBe(expected);
});
