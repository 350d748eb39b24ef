// What the SDK's endpoint rule sets give for the partitions bakeline may meet; these are the hosts
// the AWS docs list ("Service endpoints and quotas": sts, ecr, eks; ECR's FIPS 140-3 endpoints;
// dual-stack api.aws). An override always wins.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsPartition, resolveAwsEndpoint } from './aws-endpoints.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

const plain = { fips: false, dualStack: false };

describe('resolveAwsEndpoint', () => {
  it.each([
    ['sts', 'eu-west-1', plain, 'https://sts.eu-west-1.amazonaws.com'],
    ['sts', 'cn-north-1', plain, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['sts', 'cn-northwest-1', plain, 'https://sts.cn-northwest-1.amazonaws.com.cn'],
    ['sts', 'us-gov-west-1', plain, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['sts', 'us-iso-east-1', plain, 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ['sts', 'us-east-1', { fips: true, dualStack: false }, 'https://sts-fips.us-east-1.amazonaws.com'],
    // STS in GovCloud is FIPS on its regular host
    ['sts', 'us-gov-west-1', { fips: true, dualStack: false }, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['sts', 'eu-west-1', { fips: false, dualStack: true }, 'https://sts.eu-west-1.api.aws'],
    ['ecr', 'eu-west-1', plain, 'https://api.ecr.eu-west-1.amazonaws.com'],
    ['ecr', 'cn-north-1', plain, 'https://api.ecr.cn-north-1.amazonaws.com.cn'],
    ['ecr', 'us-gov-east-1', plain, 'https://api.ecr.us-gov-east-1.amazonaws.com'],
    ['ecr', 'us-east-1', { fips: true, dualStack: false }, 'https://api.ecr-fips.us-east-1.amazonaws.com'],
    ['ecr', 'us-gov-west-1', { fips: true, dualStack: false }, 'https://api.ecr-fips.us-gov-west-1.amazonaws.com'],
    ['ecr', 'us-east-1', { fips: false, dualStack: true }, 'https://ecr.us-east-1.api.aws'],
    ['ecr', 'cn-north-1', { fips: false, dualStack: true }, 'https://ecr.cn-north-1.api.amazonwebservices.com.cn'],
    ['eks', 'cn-north-1', plain, 'https://eks.cn-north-1.amazonaws.com.cn'],
    ['eks', 'us-east-1', { fips: true, dualStack: false }, 'https://fips.eks.us-east-1.amazonaws.com'],
  ] as const)('%s in %s %j: %s', async (service, region, options, expected) => {
    expect(await resolveAwsEndpoint(service, region, options)).toBe(expected);
  });

  it('follows AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT like every SDK client', async () => {
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'true');
    expect(await resolveAwsEndpoint('sts', 'us-east-2')).toBe('https://sts-fips.us-east-2.amazonaws.com');
    expect(await resolveAwsEndpoint('ecr', 'us-east-2')).toBe('https://api.ecr-fips.us-east-2.amazonaws.com');
    vi.stubEnv('AWS_USE_FIPS_ENDPOINT', 'false');
    vi.stubEnv('AWS_USE_DUALSTACK_ENDPOINT', 'true');
    expect(await resolveAwsEndpoint('ecr', 'eu-central-1')).toBe('https://ecr.eu-central-1.api.aws');
  });

  it('lets the endpoint override win', async () => {
    expect(await resolveAwsEndpoint('sts', 'cn-north-1', { override: 'http://127.0.0.1:4566/', fips: true })).toBe(
      'http://127.0.0.1:4566',
    );
  });
});

describe('awsPartition', () => {
  it.each([
    ['eu-west-1', 'aws', 'amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['us-iso-east-1', 'aws-iso', 'c2s.ic.gov'],
    ['us-isob-east-1', 'aws-iso-b', 'sc2s.sgov.gov'],
    ['eusc-de-east-1', 'aws-eusc', 'amazonaws.eu'],
  ])('%s is in %s (%s)', (region, name, dnsSuffix) => {
    expect(awsPartition(region)).toMatchObject({ name, dnsSuffix });
  });
});
