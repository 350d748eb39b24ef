import { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { readInputs } from './inputs.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const base = {
  'cluster-name': 'prod-eu',
  namespace: 'dev',
  workload: 'licensing-service',
  image: `127.0.0.1:5000/svc@${DIGEST}`,
  // the attestation inputs are tested in attestation-gate.test.ts; enforce would ask for a trusted root
  'verify-attestations': 'warn',
};
const read = (values: Record<string, string>) => readInputs(new InputReader((name) => values[name]));

function failure(values: Record<string, string>): InputError {
  try {
    read(values);
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('eks-promote inputs', () => {
  it('reads a promotion by digest with defaults', () => {
    const inputs = read(base);
    expect(inputs.target).toEqual({ kind: 'eks', clusterName: 'prod-eu' });
    expect(inputs.workloads).toEqual({ names: ['licensing-service'] });
    expect(inputs.source).toEqual({ kind: 'image', image: base.image, allowTag: false });
    expect(inputs.timeoutMs).toBe(600_000);
    expect(inputs.rollbackOnFailure).toBe(true);
    expect(inputs.environment).toBe('dev');
  });

  it('reads a promotion from another environment through its own read-only role', () => {
    const role = 'arn:aws:iam::123456789012:role/read-dev';
    const inputs = read({
      ...base,
      image: '',
      namespace: 'test',
      'from-environment': 'dev',
      'source-role-to-assume': role,
    });
    expect(inputs.source).toEqual({
      kind: 'environment',
      environment: 'dev',
      namespace: 'dev',
      cluster: { kind: 'eks', clusterName: 'prod-eu', roleToAssume: role },
    });
  });

  it('reads the source region of a promotion from another region (BAKELINE_SOURCE_REGION)', () => {
    const role = 'arn:aws:iam::123456789012:role/read-dev';
    const inputs = read({
      ...base,
      image: '',
      region: 'eu-central-1',
      namespace: 'prod',
      'from-environment': 'test',
      'source-cluster-name': 'test-eu',
      'source-region': 'eu-west-1',
      'source-role-to-assume': role,
    });
    expect(inputs.region).toBe('eu-central-1');
    expect(inputs.source).toEqual({
      kind: 'environment',
      environment: 'test',
      namespace: 'test',
      cluster: { kind: 'eks', clusterName: 'test-eu', roleToAssume: role, region: 'eu-west-1' },
    });
  });

  it('reads a label selector', () => {
    expect(read({ ...base, workload: 'app=licensing-service,tier!=db' }).workloads).toEqual({
      selector: 'app=licensing-service,tier!=db',
    });
  });

  it.each([
    [{ image: '127.0.0.1:5000/svc:1.0' }, 'image', 'a tag'],
    [{ image: '127.0.0.1:5000/svc@sha256:abc' }, 'image', 'repository@sha256:<64 hex>'],
    [{ image: '' }, 'image', "or give 'from-environment'"],
    [{ 'from-environment': 'dev' }, 'from-environment', "together with 'image'"],
    [{ namespace: 'Dev_1' }, 'namespace', 'DNS-1123'],
    [{ workload: 'Bad_Name' }, 'workload', 'not a Deployment name'],
    [{ timeout: 'ten minutes' }, 'timeout', 'duration'],
    [{ 'rollback-on-failure': 'yes' }, 'rollback-on-failure', 'YAML boolean'],
    [{ 'role-to-assume': 'admin' }, 'role-to-assume', 'IAM role ARN'],
    [
      { region: 'eu-west-1', 'role-to-assume': 'arn:aws-us-gov:iam::123456789012:role/deploy' },
      'role-to-assume',
      'the role is in partition aws-us-gov, but region eu-west-1 is in aws',
    ],
    [{ region: 'europe' }, 'region', 'expected an AWS region'],
    [{ audience: 'sts.amazonaws.com, other' }, 'audience', 'a client ID of the IAM OIDC provider'],
    [{ image: '', 'from-environment': 'dev', 'source-region': 'frankfurt' }, 'source-region', 'an AWS region'],
    [
      {
        image: '',
        'from-environment': 'dev',
        region: 'eu-west-1',
        'source-region': 'cn-north-1',
        'source-role-to-assume': 'arn:aws:iam::123456789012:role/read-dev',
      },
      'source-role-to-assume',
      'the role is in partition aws, but region cn-north-1 is in aws-cn',
    ],
    [{ 'cluster-name': '' }, 'cluster-name', 'is required'],
    [{ manifests: 'k8s/missing.yml', 'manifests-from': 'workspace' }, 'manifests', 'no such path'],
    [{ 'github-deployment': 'true', 'github-token': '' }, 'github-token', 'needs a token that may write deployments'],
    [{ 'github-deployment': 'yes' }, 'github-deployment', 'YAML boolean'],
    [{ 'environment-url': 'dev.example.com' }, 'environment-url', 'http(s) URL'],
  ])('refuses %j naming the input', (override, input, expected) => {
    const error = failure({ ...base, ...override });
    expect(error.input).toBe(input);
    expect(error.message).toContain(expected);
  });

  it('asks for no GitHub deployment by default (the job’s environment already has one)', () => {
    expect(read({ ...base, 'github-token': 'ghs_x' }).githubDeployment).toBeUndefined();
  });

  it('reads github-deployment with its token and environment URL', () => {
    expect(
      read({
        ...base,
        'github-deployment': 'true',
        'github-token': 'ghs_abc',
        'environment-url': 'https://dev.example.com',
      }).githubDeployment,
    ).toEqual({ token: 'ghs_abc', environmentUrl: 'https://dev.example.com' });
  });

  it('accepts a tag only with allow-tag', () => {
    expect(read({ ...base, image: '127.0.0.1:5000/svc:1.0', 'allow-tag': 'true' }).source).toEqual({
      kind: 'image',
      image: '127.0.0.1:5000/svc:1.0',
      allowTag: true,
    });
  });
});

describe('the image input through the oci reference parser', () => {
  it.each([
    ['an empty tag before the digest', `repo:@${DIGEST}`],
    ['an upper-case repository', `127.0.0.1:5000/Svc@${DIGEST}`],
    ['white space', `127.0.0.1:5000/svc @${DIGEST}`],
    ['a digest of another algorithm', `127.0.0.1:5000/svc@sha512:${'c'.repeat(128)}`],
    ['a port out of range', `127.0.0.1:99999/svc@${DIGEST}`],
  ])('refuses %s, naming the input', (_what, image) => {
    const error = failure({ ...base, image });
    expect(error.input).toBe('image');
    expect(error.message).toMatch(/^Input 'image': got ".*"; expected repository@sha256:<64 hex>/);
  });

  it.each([
    [
      'an upper-case registry host (lower-cased)',
      `Registry.Example.COM/team/svc@${DIGEST}`,
      `registry.example.com/team/svc@${DIGEST}`,
    ],
    ['a tag before the digest', `127.0.0.1:5000/svc:1.0@${DIGEST}`, `127.0.0.1:5000/svc:1.0@${DIGEST}`],
    ['an IPv6 host', `[::1]:5000/svc@${DIGEST}`, `[::1]:5000/svc@${DIGEST}`],
  ])('accepts %s', (_what, image, read_) => {
    expect(read({ ...base, image }).source).toEqual({ kind: 'image', image: read_, allowTag: false });
  });

  it('refuses a job-check-run-id that is not a number', () => {
    expect(failure({ ...base, 'job-check-run-id': '12; x' }).input).toBe('job-check-run-id');
    expect(read({ ...base, 'job-check-run-id': '51725241954' }).jobCheckRunId).toBe('51725241954');
  });
});
