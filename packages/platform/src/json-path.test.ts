import { describe, expect, it } from 'vitest';
import { evaluateJsonPath } from './json-path.ts';

describe('evaluateJsonPath', () => {
  const doc = { a: { b: [{ c: 1 }, { 'd-e': 'x' }] }, s: 'UP', n: null, 'with space': true };
  it.each([
    ['$', true, doc],
    ['$.s', true, 'UP'],
    ['$.n', true, null],
    ['$.a.b[0].c', true, 1],
    ["$.a.b[1]['d-e']", true, 'x'],
    ['$["with space"]', true, true],
    ['$.a.b[2]', false, undefined],
    ['$.a.b.c', false, undefined],
    ['$.missing.x', false, undefined],
    ['$.s.length', false, undefined],
  ])('%s', (path, found, value) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found, value });
  });

  it.each(['a.b', '$.a[', '$..a', '$.a[*]'])('refuses %s', (path) => {
    expect(() => evaluateJsonPath(doc, path)).toThrow(/JSON path/);
  });
});
