import { afterEach, describe, expect, it } from 'vitest';
import { type AwsTestServer, ecrAnswer, ecrError, startAwsTestServer } from '../test/aws-test-server.ts';
import { createEcrClient } from './ecr-client.ts';
import { describeImageByTag, parseEcrImage } from './ecr-image.ts';

const credentials = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
const DIGEST = `sha256:${'c'.repeat(64)}`;
let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('parseEcrImage', () => {
  it('reads ECR references and leaves other registries alone', () => {
    expect(parseEcrImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/ostock/licensing-service:1.2.3')).toEqual({
      registryId: '123456789012',
      region: 'eu-west-1',
      repository: 'ostock/licensing-service',
      tag: '1.2.3',
    });
    expect(parseEcrImage('127.0.0.1:5000/ostock/licensing-service:1.2.3')).toBeUndefined();
    expect(parseEcrImage(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc@${DIGEST}`)).toBeUndefined();
  });
});

describe('describeImageByTag', () => {
  it('returns the digest and tags of the image a tag names', async () => {
    server = await startAwsTestServer(() =>
      ecrAnswer({
        imageDetails: [
          {
            imageDigest: DIGEST,
            imageTags: ['v1', 'latest'],
            imagePushedAt: 1764057600,
            imageScanStatus: { status: 'COMPLETE' },
          },
        ],
      }),
    );
    const ecr = createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 });
    expect(await describeImageByTag(ecr, { repository: 'svc', tag: 'v1', registryId: '123456789012' })).toMatchObject({
      digest: DIGEST,
      tags: ['v1', 'latest'],
      scanStatus: 'COMPLETE',
    });
    expect(server.calls[0]?.params).toEqual({
      registryId: '123456789012',
      repositoryName: 'svc',
      imageIds: [{ imageTag: 'v1' }],
    });
  });

  it.each(['ImageNotFoundException', 'RepositoryNotFoundException'])('is undefined on %s', async (code) => {
    server = await startAwsTestServer(() => ecrError(code, 'not found'));
    const ecr = createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 });
    expect(await describeImageByTag(ecr, { repository: 'svc', tag: 'v1' })).toBeUndefined();
  });
});

describe('parseEcrImage through the oci reference parser', () => {
  it.each([
    [
      'an upper-case ECR host (host names are case-insensitive)',
      '123456789012.DKR.ECR.eu-west-1.AmazonAWS.com/svc:1',
      'svc',
    ],
    ['a FIPS host', '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/team/svc:1', 'team/svc'],
  ])('reads %s', (_what, image, repository) => {
    expect(parseEcrImage(image)?.repository).toBe(repository);
  });
  it.each([
    ['an empty tag before a digest', `123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc:@${DIGEST}`],
    ['an upper-case repository', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/Svc:1'],
    ['no tag', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc'],
  ])('leaves %s alone', (_what, image) => {
    expect(parseEcrImage(image)).toBeUndefined();
  });
});
