// The admin endpoint's local-only lifecycle run (POST /ecr/lifecycle-runs), on a real LocalCloudAdmin
// over a local ECR state: the answer, the images gone, and a refused request that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcrRegistry, type EcrRepository } from '../ecr/ecr-registry.ts';
import { sha256Digest } from '../ecr/manifest.ts';
import { ScanFindingsStore } from '../ecr/scan-findings.ts';
import { listen, type StartedServer } from '../http/server.ts';
import { Iam } from '../iam/iam.ts';
import { type AdminParts, LocalCloudAdmin } from './admin.ts';
import { adminHandler } from './admin-server.ts';

let server: StartedServer;
let registry: EcrRegistry;
let repo: EcrRepository;

function put(name: string, minutesAgo: number, tag: string): string {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, name }));
  const digest = sha256Digest(manifest);
  repo.images.set(digest, {
    digest,
    manifest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    sizeInBytes: manifest.length,
    pushedAt: new Date(Date.now() - minutesAgo * 60_000),
    blobs: [],
    manifests: [],
  });
  repo.tags.set(tag, digest);
  return digest;
}

beforeAll(async () => {
  const iam = new Iam({ accountId: '123456789012' });
  registry = new EcrRegistry({
    iam,
    region: 'eu-west-1',
    registryHost: '127.0.0.1:1',
    distributionUrl: 'http://127.0.0.1:1',
    findings: new ScanFindingsStore(),
  });
  repo = registry.createRepository({ name: 'ostock/app' });
  repo.lifecyclePolicyText = JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        selection: { tagStatus: 'tagged', tagPrefixList: ['sha-'], countType: 'imageCountMoreThan', countNumber: 1 },
        action: { type: 'expire' },
      },
    ],
  });
  // Only the parts a lifecycle run uses.
  const admin = new LocalCloudAdmin({ iam, registry } as unknown as AdminParts);
  server = await listen(adminHandler(admin, () => ({})));
});
afterAll(async () => {
  await server.close();
});

const post = (body: unknown) =>
  fetch(`${server.url}/ecr/lifecycle-runs`, { method: 'POST', body: JSON.stringify(body) });

describe('POST /ecr/lifecycle-runs', () => {
  it('refuses a request without a repository, naming the field, and changes nothing', async () => {
    const old = put('old', 20, 'sha-1');
    put('new', 10, 'sha-2');
    const res = await post({});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "'repository': expected a non-empty string" });
    expect(repo.images.has(old)).toBe(true);
  });

  it('runs the policy now and answers what it expired', async () => {
    const res = await post({ repository: 'ostock/app' });
    expect(res.status).toBe(200);
    const old = repo.tags.get('sha-1');
    expect(old).toBeUndefined();
    const body = (await res.json()) as { byRule: { rulePriority: number }[]; withSubject: unknown[] };
    expect(body.byRule).toHaveLength(1);
    expect(body.byRule[0]?.rulePriority).toBe(1);
    expect(body.withSubject).toEqual([]);
    expect([...repo.tags.keys()]).toEqual(['sha-2']);
  });

  it('names a repository that does not exist', async () => {
    const res = await post({ repository: 'ostock/nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      "The repository with name 'ostock/nope' does not exist in the registry with id '123456789012'",
    );
  });
});
