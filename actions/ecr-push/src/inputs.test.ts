import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { readInputs } from './inputs.ts';

const workspace = mkdtempSync(join(tmpdir(), 'ecr-push-inputs-'));
const layout = mkdtempSync(join(workspace, 'layout-'));
const policy = join(workspace, 'lifecycle.json');
writeFileSync(policy, JSON.stringify({ rules: [] }));
const notPolicy = join(workspace, 'not-policy.json');
writeFileSync(notPolicy, '{"rule": 1}');
const base = {
  layout,
  digest: `sha256:${'a'.repeat(64)}`,
  repository: 'ostock/licensing-service',
  region: 'eu-west-1',
};
const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: workspace }) =>
  readInputs(new InputReader((n) => values[n]), env);

function failure(values: Record<string, string>): InputError {
  try {
    read(values);
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('ecr-push inputs', () => {
  it('reads the defaults', () => {
    expect(read({ ...base, tags: 'sha-0123abc, v1.2.3' })).toMatchObject({
      tags: ['sha-0123abc', 'v1.2.3'],
      registry: {},
      roleSessionName: 'bakeline-ecr-push',
      audience: 'sts.amazonaws.com',
      createRepository: true,
      scan: 'none',
      failOnSeverity: 'none',
      scanTimeoutMs: 600_000,
      concurrency: 4,
    });
  });

  it('takes roles of other partitions from their own regions, and another audience', () => {
    expect(
      read({
        ...base,
        region: 'cn-north-1',
        'role-to-assume': 'arn:aws-cn:iam::123456789012:role/ci/push',
        audience: 'sts.amazonaws.com.cn',
      }),
    ).toMatchObject({ roleToAssume: 'arn:aws-cn:iam::123456789012:role/ci/push', audience: 'sts.amazonaws.com.cn' });
    expect(
      read({ ...base, region: 'us-gov-west-1', 'role-to-assume': 'arn:aws-us-gov:iam::123456789012:role/push' })
        .roleToAssume,
    ).toBe('arn:aws-us-gov:iam::123456789012:role/push');
  });

  it('takes the region from AWS_REGION, and reads the registry, the policy and the scan gate', () => {
    const { region, ...values } = base;
    expect(
      read(
        {
          ...values,
          registry: '123456789012.dkr.ecr.us-east-2.amazonaws.com',
          'lifecycle-policy': policy,
          scan: 'wait',
          'fail-on-severity': 'HIGH',
          'ecr-endpoint': 'http://127.0.0.1:4566',
        },
        { AWS_REGION: 'us-east-2', GITHUB_WORKSPACE: workspace },
      ),
    ).toMatchObject({
      region: 'us-east-2',
      registry: { registryId: '123456789012', host: '123456789012.dkr.ecr.us-east-2.amazonaws.com' },
      lifecyclePolicy: '{"rules":[]}',
      failOnSeverity: 'HIGH',
      ecrEndpoint: 'http://127.0.0.1:4566',
    });
  });

  it.each([
    [{ repository: 'Ostock/Licensing' }, 'repository', 'lowercase'],
    [{ tags: 'ok, bad:tag' }, 'tags', '"bad:tag"'],
    [{ tags: `t${'x'.repeat(128)}` }, 'tags', 'expected tags matching'],
    [{ digest: 'sha256:abc' }, 'digest', '64 lowercase hex'],
    [{ digest: '' }, 'digest', 'is required'],
    [{ region: 'europe' }, 'region', 'AWS region'],
    [{ scan: 'later' }, 'scan', 'none | wait'],
    [{ 'fail-on-severity': 'SEVERE' }, 'fail-on-severity', 'CRITICAL'],
    [{ 'fail-on-severity': 'HIGH' }, 'fail-on-severity', "needs 'scan: wait'"],
    [{ concurrency: '64' }, 'concurrency', '1..16'],
    [{ concurrency: 'four' }, 'concurrency', 'integer'],
    [{ 'role-to-assume': 'push' }, 'role-to-assume', 'arn:<partition>:iam::<12-digit account>:role/<name>'],
    [
      { 'role-to-assume': 'arn:aws-cn:iam::123456789012:role/push' },
      'role-to-assume',
      'the role is in partition aws-cn, but region eu-west-1 is in aws',
    ],
    [{ audience: 'sts.amazonaws.com extra' }, 'audience', 'a client ID of the IAM OIDC provider'],
    [{ audience: 'sts\u0007' }, 'audience', 'no spaces or control characters'],
    [{ region: 'eu west 1' }, 'region', 'AWS region'],
    [{ 'role-session-name': 'has space' }, 'role-session-name', '2-64'],
    [{ registry: '12345' }, 'registry', '12-digit account ID'],
    [
      { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com' },
      'registry',
      'is an ECR registry in us-east-1, but the region is eu-west-1',
    ],
    [{ 'ecr-endpoint': 'localhost:4566' }, 'ecr-endpoint', 'http(s)://'],
    [{ 'sts-endpoint': 'http://127.0.0.1:1/path' }, 'sts-endpoint', 'http(s)://'],
    [{ 'create-repository': 'yes' }, 'create-repository', 'YAML boolean'],
    [{ 'scan-timeout': 'soon' }, 'scan-timeout', 'duration'],
    [{ 'lifecycle-policy': notPolicy }, 'lifecycle-policy', '"rules"'],
    [{ layout: '' }, 'layout', 'exactly one of layout or archive'],
    [{ archive: policy }, 'archive', 'exactly one of layout or archive'],
    [{ layout: join(workspace, 'missing') }, 'layout', 'no such directory'],
  ])('refuses %j naming the input', (override, input, expected) => {
    const error = failure({ ...base, ...override });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(new RegExp(`^Input '${input}': `));
    expect(error.message).toContain(expected);
    expect(error.message.split('\n')).toHaveLength(1);
  });
});
