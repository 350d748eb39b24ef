import { describe, expect, it } from 'vitest';
import { parseChallenge } from './www-authenticate.ts';

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['basic realm=test', { scheme: 'basic', params: { realm: 'test' } }],
    [
      'Bearer realm="a\\"b", error="insufficient_scope"',
      { scheme: 'bearer', params: { realm: 'a"b', error: 'insufficient_scope' } },
    ],
  ])('parses %s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  it('returns undefined for an empty header', () => {
    expect(parseChallenge('')).toBeUndefined();
  });
});
