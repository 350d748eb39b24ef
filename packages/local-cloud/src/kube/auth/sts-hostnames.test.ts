import { describe, expect, test } from 'vitest';
import { StsHostRejected, verifyStsHost } from './sts-hostnames.ts';

// One case per rule of aws-iam-authenticator's verifySTSHostnameFormat (pkg/token/token.go):
// partition, cluster region, host, and the refusal (undefined = accepted).
describe('STS host names in EKS tokens (aws-iam-authenticator allowlist)', () => {
  test.each([
    ['aws', 'us-east-1', 'sts.amazonaws.com', undefined],
    ['aws', 'us-east-1', 'sts.us-east-1.amazonaws.com', undefined],
    ['aws', 'us-east-1', 'sts.eu-west-1.amazonaws.com', undefined],
    ['aws', 'us-east-1', 'sts-fips.us-east-1.amazonaws.com', undefined],
    ['aws', 'us-east-1', 'sts.us-east-1.api.aws', undefined],
    ['aws', 'us-east-1', 'sts-fips.us-east-1.api.aws', undefined],
    ['aws-cn', 'cn-north-1', 'sts.cn-north-1.amazonaws.com.cn', undefined],
    ['aws-us-gov', 'us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com', undefined],
    ['aws', 'us-east-1', 'sts.evil.example.com', 'unexpected hostname "sts.evil.example.com" in pre-signed URL'],
    [
      'aws',
      'us-east-1',
      'sts.us-east-1.amazonaws.com.evil.example',
      'unexpected hostname "sts.us-east-1.amazonaws.com.evil.example" in pre-signed URL',
    ],
    ['aws', 'us-east-1', '127.0.0.1:4566', 'unexpected hostname "127.0.0.1:4566" in pre-signed URL'],
    [
      'aws',
      'us-east-1',
      'sts.us-east-1.amazonaws.com:443',
      'unexpected hostname "sts.us-east-1.amazonaws.com:443" in pre-signed URL',
    ],
    [
      'aws',
      'us-east-1',
      'localhost',
      'could not parse region for pre-signed URL localhost, invalid host format: localhost',
    ],
    ['aws', 'us-east-1', 'sts.eu_west.amazonaws.com', 'invalid region identifier format provided: eu_west'],
    ['aws-cn', 'cn-north-1', 'sts.amazonaws.com', 'global endpoint unsupported in partition aws-cn'],
    [
      'aws',
      'us-east-1',
      'sts.cn-north-1.amazonaws.com.cn',
      'partition {aws} does not support hostname sts.cn-north-1.amazonaws.com.cn',
    ],
    [
      'aws-cn',
      'cn-north-1',
      'sts.us-east-1.amazonaws.com',
      'partition {aws-cn} does not support hostname sts.us-east-1.amazonaws.com',
    ],
  ])('%s cluster in %s, host %s -> %s', (partition, region, host, refusal) => {
    const check = () => verifyStsHost(host, partition, region);
    if (refusal === undefined) {
      expect(check).not.toThrow();
    } else {
      expect(check).toThrow(StsHostRejected);
      expect(check).toThrow(refusal);
    }
  });
});
