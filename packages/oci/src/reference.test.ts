import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, validateRepository, validateTag } from './reference.ts';

const HEX = 'a'.repeat(64);

describe('parseReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['user/app', { registry: 'docker.io', repository: 'user/app' }],
    ['index.docker.io/user/app:v1', { registry: 'docker.io', repository: 'user/app', tag: 'v1' }],
    ['127.0.0.1:5000/team/app:sha-abc', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'sha-abc' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc/licensing@sha256:${HEX}`,
      {
        registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        repository: 'svc/licensing',
        digest: `sha256:${HEX}`,
      },
    ],
    [`r.example/a/b:t@sha256:${HEX}`, { registry: 'r.example', repository: 'a/b', tag: 't', digest: `sha256:${HEX}` }],
    ['r.example/a__b/c--d.e_f', { registry: 'r.example', repository: 'a__b/c--d.e_f' }],
    // distribution's splitDockerDomain: an upper-case first component is a host, not a Hub user
    ['MyHost/team/svc:1', { registry: 'MyHost', repository: 'team/svc', tag: '1' }],
    ['REGISTRY.EXAMPLE/app', { registry: 'REGISTRY.EXAMPLE', repository: 'app' }],
  ])('parses %s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  it.each([
    ['', /empty string/],
    ['r.example/App', /repository 'App'/],
    ['MyHost/App', /repository 'App'/],
    ['r.example/app:', /tag ''/],
    ['r.example/app:-bad', /tag '-bad'/],
    [`r.example/app:${'t'.repeat(129)}`, /tag 't{129}'/],
    ['r.example/app@sha256:abc', /'sha256:abc'/],
    [`r.example/app@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    [`r.example/app@sha512:${HEX}`, /digest 'sha512:a{64}'/],
    ['r.example/app/', /repository 'app\/'/],
    ['r.example//app', /repository '\/app'/],
    ['r.example/a..b', /repository 'a\.\.b'/],
    ['bad_host:5000/app', /registry 'bad_host:5000'/],
    ['r.example:99999/app', /registry 'r.example:99999'/],
    ['r.example/app tag', /whitespace/],
  ])('rejects %j naming the value', (text, message) => {
    expect(() => parseReference(text)).toThrow(message);
    expect(() => parseReference(text)).toThrow(/^image reference '/);
  });

  it.each(['docker.io/library/alpine:3.20', `127.0.0.1:5000/team/app:v1@sha256:${HEX}`, `r.example/a/b@sha256:${HEX}`])(
    'formats %s back to itself',
    (text) => {
      expect(formatReference(parseReference(text))).toBe(text);
    },
  );
});

describe('validateRepository', () => {
  it.each(['app', 'team/app', 'a.b_c__d---e/f0'])('accepts %s', (name) => {
    expect(() => validateRepository(name)).not.toThrow();
  });
  it.each(['App', 'team/App', '_app', 'app_', 'a/', '', 'a b', 'a:b', `a/${'b'.repeat(260)}`])('rejects %j', (name) => {
    expect(() => validateRepository(name)).toThrow(`repository '${name}'`);
  });
});

describe('validateTag', () => {
  it.each(['v1.2.3', 'sha-0123abc', '_x', 'A', 't'.repeat(128)])('accepts %s', (tag) => {
    expect(() => validateTag(tag)).not.toThrow();
  });
  it.each(['', '.x', '-x', 'a:b', 'a/b', 'a+b', 't'.repeat(129)])('rejects %j', (tag) => {
    expect(() => validateTag(tag)).toThrow(`tag '${tag}'`);
  });
});
