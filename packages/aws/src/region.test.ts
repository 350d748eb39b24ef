import { describe, expect, it } from 'vitest';
import { isAwsRegion } from './region.ts';

describe('isAwsRegion', () => {
  it.each([
    'eu-west-1',
    'us-east-1',
    'ap-southeast-2',
    'cn-north-1',
    'us-gov-west-1',
    'us-iso-east-1',
    'eu-isoe-west-1',
    'eusc-de-east-1',
  ])('takes %s', (region) => expect(isAwsRegion(region)).toBe(true));
  it.each(['europe', 'us-east-1; curl x', 'EU-WEST-1', 'eu-west', '', 'eu-west-1 '])('refuses %j', (region) =>
    expect(isAwsRegion(region)).toBe(false),
  );
});
