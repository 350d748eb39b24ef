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
  it('reads the region of ECR hosts only', () => {
    expect(ecrHostRegion('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')).toBe('cn-north-1');
    expect(ecrHostRegion('registry.example.com')).toBeUndefined();
  });
});
