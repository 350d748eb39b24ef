import { afterEach, describe, expect, it } from 'vitest';
import { type AwsTestServer, ecrAnswer, ecrError, startAwsTestServer } from '../test/aws-test-server.ts';
import { createEcrClient } from './ecr-client.ts';
import { chooseMountSources, listOtherRepositories } from './ecr-mount-sources.ts';

const credentials = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const repo = (name: string, created: number) => ({ repositoryName: name, createdAt: created });

describe('listOtherRepositories', () => {
  it('lists the other repositories, same namespace first, then the most recent, across pages', async () => {
    server = await startAwsTestServer((call) =>
      call.params.nextToken === undefined
        ? ecrAnswer({ repositories: [repo('base/jre', 100), repo('team/svc', 50), repo('other', 300)], nextToken: 't' })
        : ecrAnswer({ repositories: [repo('team/api', 10), repo('team/web', 200)] }),
    );
    const ecr = createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 });
    expect(await listOtherRepositories(ecr, { repository: 'team/svc' })).toEqual([
      'team/web',
      'team/api',
      'other',
      'base/jre',
    ]);
    expect(server.calls).toHaveLength(2);
    expect(server.calls[0]?.params).toMatchObject({ maxResults: 100 });
  });

  it('is empty, not an error, without ecr:DescribeRepositories', async () => {
    server = await startAwsTestServer(() => ecrError('AccessDeniedException', 'denied'));
    const ecr = createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 });
    expect(await listOtherRepositories(ecr, { repository: 'svc' })).toEqual([]);
  });
});

describe('chooseMountSources', () => {
  const holds: Record<string, string[]> = { a: ['d1'], b: ['d1', 'd2'], c: [], d: ['d2'] };
  const hasBlob = async (repository: string, digest: string) => {
    if (repository === 'denied') throw new Error('403 DENIED');
    return holds[repository]?.includes(digest) ?? false;
  };

  it('keeps the repositories holding missing blobs, the one holding most first', async () => {
    expect(await chooseMountSources(['a', 'b', 'c', 'denied', 'd'], ['d1', 'd2', 'd3'], hasBlob)).toEqual([
      { repository: 'b', blobs: 2 },
      { repository: 'a', blobs: 1 },
      { repository: 'd', blobs: 1 },
    ]);
  });

  it('asks at most probeLimit repositories and returns at most sourceLimit', async () => {
    const asked = new Set<string>();
    const sources = await chooseMountSources(
      ['c', 'a', 'b', 'd'],
      ['d1', 'd2'],
      async (r, d) => {
        asked.add(r);
        return hasBlob(r, d);
      },
      { probeLimit: 3, sourceLimit: 1 },
    );
    expect([...asked].sort()).toEqual(['a', 'b', 'c']);
    expect(sources).toEqual([{ repository: 'b', blobs: 2 }]);
  });

  it('asks nothing when nothing is missing', async () => {
    expect(
      await chooseMountSources(['a'], [], async () => {
        throw new Error('asked');
      }),
    ).toEqual([]);
  });
});
