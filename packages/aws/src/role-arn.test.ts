import { describe, expect, it } from 'vitest';
import { isOidcAudience } from './oidc-audience.ts';
import { parseRoleArn, rolePartitionMismatch } from './role-arn.ts';

describe('parseRoleArn', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/bakeline-push', 'aws', 'bakeline-push'],
    ['arn:aws-cn:iam::123456789012:role/ci/push', 'aws-cn', 'ci/push'],
    ['arn:aws-us-gov:iam::123456789012:role/a/b/deploy+dev=1,x.y@z', 'aws-us-gov', 'a/b/deploy+dev=1,x.y@z'],
    ['arn:aws-iso-b:iam::123456789012:role/r', 'aws-iso-b', 'r'],
    ['arn:aws-eusc:iam::123456789012:role/r', 'aws-eusc', 'r'],
  ])('takes %s', (value, partition, name) => {
    expect(parseRoleArn(value)).toEqual({ partition, accountId: '123456789012', name });
  });

  it.each([
    'push',
    'arn:aws:iam::12345678901:role/push',
    'arn:aws:iam::123456789012:user/push',
    'arn:aws:sts::123456789012:assumed-role/push/s',
    'arn:aws-mars:iam::123456789012:role/push',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/has space',
    `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`,
    'arn:aws:iam::123456789012:role/push\n',
  ])('refuses %j', (value) => {
    expect(parseRoleArn(value)).toBeUndefined();
  });
});

describe('rolePartitionMismatch', () => {
  const role = (arn: string) => parseRoleArn(arn) ?? { partition: '', accountId: '', name: '' };
  it.each([
    ['arn:aws:iam::123456789012:role/r', 'eu-west-1', undefined],
    ['arn:aws-cn:iam::123456789012:role/r', 'cn-northwest-1', undefined],
    ['arn:aws-us-gov:iam::123456789012:role/r', 'us-gov-east-1', undefined],
    [
      'arn:aws-cn:iam::123456789012:role/r',
      'eu-west-1',
      'the role is in partition aws-cn, but region eu-west-1 is in aws',
    ],
    [
      'arn:aws:iam::123456789012:role/r',
      'us-gov-west-1',
      'the role is in partition aws, but region us-gov-west-1 is in aws-us-gov',
    ],
  ])('%s from %s: %s', (arn, region, expected) => {
    expect(rolePartitionMismatch(role(arn), region)).toBe(expected);
  });
});

describe('isOidcAudience', () => {
  it.each(['sts.amazonaws.com', 'sts.amazonaws.com.cn', 'api://AzureADTokenExchange', 'my-client-id'])(
    'takes %s',
    (value) => expect(isOidcAudience(value)).toBe(true),
  );
  it.each(['', ' ', 'sts.amazonaws.com ', 'sts amazonaws', 'a\tb', 'sts.amazonaws.com\n', 'x'.repeat(256), 'é'])(
    'refuses %j',
    (value) => expect(isOidcAudience(value)).toBe(false),
  );
});
