import { describe, expect, it } from 'vitest';
import { ecrHostRegion, parseRegistryTarget } from './ecr-registry.ts';

describe('parseRegistryTarget', () => {
  it.each([
    [undefined, {}],
    ['', {}],
    ['123456789012', { registryId: '123456789012' }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      { registryId: '123456789012', host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
    ],
    [
      '123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com',
      { registryId: '123456789012', host: '123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com' },
    ],
    [
      '123456789012.dkr-ecr.eu-west-1.on.aws',
      { registryId: '123456789012', host: '123456789012.dkr-ecr.eu-west-1.on.aws' },
    ],
    ['127.0.0.1:5000', { host: '127.0.0.1:5000' }],
    ['localhost.localstack.cloud:4510', { host: 'localhost.localstack.cloud:4510' }],
  ])('%s -> %j', (value, expected) => {
    expect(parseRegistryTarget(value, 'eu-west-1')).toEqual(expected);
  });

  it.each([
    ['12345678901', /neither a 12-digit account ID nor a registry host/],
    ['https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', /neither/],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', /is an ECR registry in us-east-1, but the region is eu-west-1/],
    ['Registry.Example.com', /neither/],
  ])('refuses %s', (value, message) => {
    expect(() => parseRegistryTarget(value, 'eu-west-1')).toThrow(message);
  });
});

describe('ecrHostRegion', () => {
  it.each([
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com', 'us-gov-east-1'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
    ['123456789012.dkr-ecr.us-east-1.on.aws', 'us-east-1'],
    // the suffix must be the region's partition's
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com', undefined],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com.cn', undefined],
    ['123456789012.dkr.ecr.eu-west-1.example.com', undefined],
    ['123456789012.dkr.ecr.europe.amazonaws.com', undefined],
    ['registry.example.com', undefined],
  ])('%s is in %s', (host, region) => {
    expect(ecrHostRegion(host)).toBe(region);
  });
});
