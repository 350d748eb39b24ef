import { describe, expect, test } from 'vitest';
import { EnvironmentRefused, enterEnvironment, parseEnvironments } from './environments.ts';

const config = parseEnvironments(
  `
vars: { A: "1" }
environments:
  dev: {}
  staging:
    protection-rules: { wait-timer: 5 }
  prod:
    protection-rules: { required-reviewers: [ops] }
    deployment-branches: [main, "release/*"]
    deployment-tags: ["v*"]
`,
  'envs.yml',
);

describe('parseEnvironments', () => {
  test.each([
    ['vars: { A: 1 }\nextra: 1', /envs\.yml: unknown key 'extra'/],
    ['environments:\n  dev:\n    secret: {}', /environments\.dev: unknown key 'secret'/],
    ['secrets: { GITHUB_X: y }', /name 'GITHUB_X' is not valid for secrets/],
    ['vars: { "bad-name": y }', /name 'bad-name' is not valid for vars/],
    ['environments:\n  dev:\n    protection-rules: { wait-timer: -1 }', /wait-timer: expected whole minutes/],
    ['environments:\n  dev:\n    protection-rules: { reviewers: [a] }', /unknown key 'reviewers'/],
    ['vars: { A: { b: 1 } }', /vars\.A: expected a string/],
  ])('rejects %j', (text, message) => {
    expect(() => parseEnvironments(text, 'envs.yml')).toThrow(message);
  });

  test('numbers and booleans become text', () => {
    expect(parseEnvironments('vars: { PORT: 8080, ON: true }', 'e').vars).toEqual({ PORT: '8080', ON: 'true' });
  });
});

describe('enterEnvironment', () => {
  test.each([
    ['dev', 'refs/heads/topic', [], undefined],
    ['staging', 'refs/heads/main', [], /wait timer: 5 min/],
    ['staging', 'refs/heads/main', ['staging'], undefined],
    ['prod', 'refs/heads/main', [], /required reviewers: ops\) and was not approved: run again with --approve prod/],
    ['prod', 'refs/heads/main', ['prod'], undefined],
    ['prod', 'refs/heads/release/2', ['prod'], undefined],
    ['prod', 'refs/tags/v1.0.0', ['prod'], undefined],
    ['prod', 'refs/heads/topic', ['prod'], /does not allow deployments from refs\/heads\/topic/],
    [
      'qa',
      'refs/heads/main',
      [],
      /environment 'qa' is not defined in the environments file \(defined: dev, staging, prod\)/,
    ],
  ])('%s from %s approved %j', (name, ref, approved, refused) => {
    const enter = () => enterEnvironment(config, name, ref, new Set(approved));
    if (refused === undefined) expect(enter().name).toBe(name);
    else {
      expect(enter).toThrow(EnvironmentRefused);
      expect(enter).toThrow(refused);
    }
  });
});
