// The region, audience and role inputs of the AWS actions are checked before any call: a bad value
// fails the step with the input named, and neither the GitHub OIDC token service nor STS hears of
// it. (Before, `region: europe` got an OIDC token, then failed on DNS with ENOTFOUND.) The
// actions run from their bundles, as the runner runs them; every server is on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundledAction } from '../harness/index.ts';

let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(layout, { recursive: true, force: true });
});

const oidc = () => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
});
const layout = mkdtempSync(join(tmpdir(), 'bakeline-inputs-first-'));

const ecrPush = (inputs: Record<string, string>) => ({
  layout,
  digest: `sha256:${'a'.repeat(64)}`,
  repository: 'ostock/licensing-service',
  'role-to-assume': 'arn:aws:iam::123456789012:role/push',
  'sts-endpoint': base,
  'ecr-endpoint': base,
  ...inputs,
});

const eksPromote = (inputs: Record<string, string>) => ({
  'cluster-name': 'bakeline-local',
  'role-to-assume': 'arn:aws:iam::123456789012:role/deploy',
  namespace: 'dev',
  workload: 'licensing-service',
  image: `127.0.0.1:5000/svc@sha256:${'c'.repeat(64)}`,
  'sts-endpoint': base,
  'eks-endpoint': base,
  // the AWS inputs are the subject; enforce would first ask for a trusted root
  'verify-attestations': 'warn',
  ...inputs,
});

describe('AWS inputs are checked before any call', () => {
  it.each([
    [
      'ecr-push',
      'region: europe',
      ecrPush({ region: 'europe' }),
      'Input \'region\': got "europe"; expected an AWS region',
    ],
    [
      'eks-promote',
      'region: europe',
      eksPromote({ region: 'europe' }),
      'Input \'region\': got "europe"; expected an AWS region',
    ],
    [
      'ecr-push',
      'an audience with a space',
      ecrPush({ region: 'eu-west-1', audience: 'sts.amazonaws.com other' }),
      'Input \'audience\': got "sts.amazonaws.com other"',
    ],
    [
      'eks-promote',
      'an aws role in aws-cn',
      eksPromote({ region: 'cn-north-1' }),
      'Input \'role-to-assume\': got "arn:aws:iam::123456789012:role/deploy"; the role is in partition aws, but region cn-north-1 is in aws-cn',
    ],
    [
      'eks-promote',
      'source-region: eu-west',
      eksPromote({ region: 'eu-west-1', image: '', 'from-environment': 'test', 'source-region': 'eu-west' }),
      'Input \'source-region\': got "eu-west"',
    ],
    [
      'ecr-push',
      'an sts-endpoint without scheme',
      ecrPush({ region: 'eu-west-1', 'sts-endpoint': 'sts.local:4566' }),
      "Input 'sts-endpoint'",
    ],
  ])('%s refuses %s', async (action, _what, inputs, expected) => {
    const before = requests.length;
    const result = await runBundledAction(action, { inputs, env: oidc() });
    expect(result.exitCode).not.toBe(0);
    const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors[0]).toContain(expected);
    expect(requests.slice(before)).toEqual([]);
  });

  it('the same step with good inputs does ask for a token (the check above can fail)', async () => {
    const before = requests.length;
    const result = await runBundledAction('eks-promote', { inputs: eksPromote({ region: 'eu-west-1' }), env: oidc() });
    expect(result.exitCode).not.toBe(0);
    expect(requests.slice(before)[0]).toMatch(/^GET \/token\?api-version=2\.0&audience=sts\.amazonaws\.com$/);
  });
});
