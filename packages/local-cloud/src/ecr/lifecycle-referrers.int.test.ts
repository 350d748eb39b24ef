// The ecr-repository module's lifecycle policy, run on a repository shaped like bakeline's: more
// release images (sha-*) than it keeps, each with attestation referrers (untagged manifests with a
// `subject`, as packages/attest pushes them), old plain untagged images, and a few recent ones.
// The policy is the module's own rendering: tests/fixtures/lifecycle-policy.json of the example
// root module, which its `terraform test` asserts the module renders exactly. Real clients: the
// AWS CLI (put-lifecycle-policy, the preview, list-images) and skopeo (`inspect --raw`).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attestationReferrer,
  pushOrFail,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  type Subject,
} from '../../test/attestation-referrers.ts';
import { basicAuth, type TinyImage, tinyImage } from '../../test/tiny-image.ts';
import { type LocalCloud, startLocalCloud } from '../cloud/start-local-cloud.ts';

const POLICY_FILE = new URL(
  '../../../../infra/terraform/examples/licensing-service/tests/fixtures/lifecycle-policy.json',
  import.meta.url,
);
const REPO = 'ostock/licensing-service';
const PREDICATES = [
  'https://slsa.dev/provenance/v1',
  'https://cyclonedx.org/bom',
  'https://bakeline.dev/platform-test/v1',
  'https://slsa.dev/verification_summary/v1',
];
const EXTRA_RELEASES = 2;
const RECENT_PLAIN = 5;
const OLD_PLAIN_EXPIRED = 3;

interface Release {
  image: TinyImage;
  tag: string;
  referrers: TinyImage[];
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: readonly string[], env?: Record<string, string>): Promise<Result> {
  const r = await exec(command, args, { ...(env ? { env } : {}), timeoutMs: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

const policyText = readFileSync(POLICY_FILE, 'utf8');
const policy = JSON.parse(policyText) as { rules: { selection: { tagStatus: string; countNumber: number } }[] };
const keptReleases = policy.rules.find((r) => r.selection.tagStatus === 'tagged')?.selection.countNumber ?? 0;
const keptUntagged = policy.rules.find((r) => r.selection.tagStatus === 'untagged')?.selection.countNumber ?? 0;
const releaseCount = keptReleases + EXTRA_RELEASES;
// Old plain untagged images: enough that exactly OLD_PLAIN_EXPIRED of them fall past the count.
const oldPlainCount = Math.max(
  OLD_PLAIN_EXPIRED,
  keptUntagged - RECENT_PLAIN - releaseCount * PREDICATES.length + OLD_PLAIN_EXPIRED,
);

let cloud: LocalCloud;
let home: string;
let password: string;
let creds: { accessKeyId: string; secretAccessKey: string };
const releases: Release[] = [];
const oldPlain: TinyImage[] = [];
const recentPlain: TinyImage[] = [];

const aws = async (args: string[]): Promise<unknown> => {
  const r = await run('/usr/bin/aws', ['--endpoint-url', cloud.endpoints.ecr, '--output', 'json', 'ecr', ...args], {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: cloud.endpoints.region,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  if (r.code !== 0) throw new Error(`aws ecr ${args[0]}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
};

const skopeoRaw = (reference: string) =>
  run('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    '--creds',
    `AWS:${password}`,
    `docker://${cloud.endpoints.registry.host}/${REPO}${reference}`,
  ]);

async function referrersOf(digest: string): Promise<string[]> {
  const res = await fetch(
    `${cloud.endpoints.registry.url}/v2/${REPO}/referrers/${digest}?artifactType=${encodeURIComponent(SIGSTORE_BUNDLE_MEDIA_TYPE)}`,
    { headers: { authorization: basicAuth(password), accept: 'application/vnd.oci.image.index.v1+json' } },
  );
  expect(res.status).toBe(200);
  const index = (await res.json()) as { manifests: { digest: string }[] };
  return index.manifests.map((m) => m.digest).sort();
}

const digests = (images: readonly TinyImage[]) => images.map((i) => i.digest).sort();

beforeAll(async () => {
  expect(keptReleases).toBeGreaterThan(0);
  expect(keptUntagged).toBeGreaterThan(0);
  home = mkdtempSync(join(tmpdir(), 'bakeline-lifecycle-'));
  // the repository as terraform apply of the example creates it, lifecycle policy included
  cloud = await startLocalCloud({ kube: false, region: 'eu-west-1', log: () => {}, pipelineIam: 'terraform-snapshot' });
  creds = cloud.admin.createUser({
    name: 'lifecycle-admin',
    policies: { ecr: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }] } },
  });
  password = cloud.admin.registryPassword(creds.accessKeyId);
  const applied = cloud.admin.ecr.getRepository(REPO);
  expect(applied?.imageTagMutability).toBe('IMMUTABLE');
  expect(JSON.parse(applied?.lifecyclePolicyText ?? '{}')).toEqual(JSON.parse(policyText));
  await aws(['put-lifecycle-policy', '--repository-name', REPO, '--lifecycle-policy-text', policyText]);

  // Push order is age order: old plain untagged images, then each release and its referrers,
  // then a few plain untagged images (interrupted pushes) after the newest release.
  const auth = basicAuth(password);
  const url = cloud.endpoints.registry.url;
  for (let i = 0; i < oldPlainCount; i++) {
    const image = tinyImage(`old-plain-${i}`);
    await pushOrFail(url, REPO, image, image.digest, auth);
    oldPlain.push(image);
  }
  for (let i = 0; i < releaseCount; i++) {
    const image = tinyImage(`release-${i}`);
    const tag = `sha-${createHash('sha1').update(`commit-${i}`).digest('hex')}`;
    await pushOrFail(url, REPO, image, tag, auth);
    const subject: Subject = { digest: image.digest, mediaType: image.mediaType, size: image.manifest.length };
    const referrers = PREDICATES.map((p) => attestationReferrer(subject, p, `release-${i}`));
    for (const referrer of referrers) await pushOrFail(url, REPO, referrer, referrer.digest, auth);
    releases.push({ image, tag, referrers });
  }
  for (let i = 0; i < RECENT_PLAIN; i++) {
    const image = tinyImage(`recent-plain-${i}`);
    await pushOrFail(url, REPO, image, image.digest, auth);
    recentPlain.push(image);
  }
}, 300_000);

afterAll(async () => {
  await cloud?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("the ecr-repository module's lifecycle policy on release images with attestation referrers", () => {
  const expired = () => releases.slice(0, EXTRA_RELEASES);
  const kept = () => releases.slice(EXTRA_RELEASES);

  it('previews (AWS CLI) the oldest release images and the oldest plain untagged images, no referrer', async () => {
    await aws(['start-lifecycle-policy-preview', '--repository-name', REPO]);
    await aws(['wait', 'lifecycle-policy-preview-complete', '--repository-name', REPO]);
    const preview = (await aws(['get-lifecycle-policy-preview', '--repository-name', REPO])) as {
      status: string;
      previewResults: { imageDigest: string; imageTags?: string[]; appliedRulePriority: number }[];
      summary: { expiringImageTotalCount: number };
    };
    expect(preview.status).toBe('COMPLETE');
    const byRule = (priority: number) =>
      preview.previewResults
        .filter((r) => r.appliedRulePriority === priority)
        .map((r) => r.imageDigest)
        .sort();
    expect(byRule(1)).toEqual(digests(expired().map((r) => r.image)));
    expect(byRule(2)).toEqual(digests(oldPlain.slice(0, OLD_PLAIN_EXPIRED)));
    expect(preview.summary.expiringImageTotalCount).toBe(EXTRA_RELEASES + OLD_PLAIN_EXPIRED);
    expect(preview.previewResults.find((r) => r.appliedRulePriority === 1)?.imageTags).toEqual([expired()[0]?.tag]);
  });

  it('runs: kept images keep every referrer, expired images lose theirs, old plain untagged images go', async () => {
    const before = Date.now();
    const outcome = cloud.admin.runLifecyclePolicy(REPO);
    expect(outcome.withSubject.map((e) => e.digest).sort()).toEqual(digests(expired().flatMap((r) => r.referrers)));

    const listed = (await aws(['list-images', '--repository-name', REPO])) as {
      imageIds: { imageDigest: string; imageTag?: string }[];
    };
    const remaining = [...new Set(listed.imageIds.map((i) => i.imageDigest))].sort();
    const expected = [
      ...kept().flatMap((r) => [r.image, ...r.referrers]),
      ...oldPlain.slice(OLD_PLAIN_EXPIRED),
      ...recentPlain,
    ];
    expect(remaining).toEqual(digests(expected));

    for (const release of kept()) expect(await referrersOf(release.image.digest)).toEqual(digests(release.referrers));
    for (const release of expired()) expect(await referrersOf(release.image.digest)).toEqual([]);

    // The CLI prints timestamps as ISO 8601.
    const lifecycle = (await aws(['get-lifecycle-policy', '--repository-name', REPO])) as { lastEvaluatedAt: string };
    expect(Date.parse(lifecycle.lastEvaluatedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('skopeo reads the oldest kept image and its referrers byte for byte, and no expired one', async () => {
    const oldestKept = kept()[0];
    if (!oldestKept) throw new Error('no kept release');
    const tagged = await skopeoRaw(`:${oldestKept.tag}`);
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stdout).toBe(oldestKept.image.manifest.toString('utf8'));
    for (const referrer of oldestKept.referrers) {
      const raw = await skopeoRaw(`@${referrer.digest}`);
      expect(raw.code, raw.stderr).toBe(0);
      expect(raw.stdout).toBe(referrer.manifest.toString('utf8'));
    }
    const gone = expired()[0];
    if (!gone) throw new Error('no expired release');
    for (const reference of [`:${gone.tag}`, `@${gone.image.digest}`, `@${gone.referrers[0]?.digest}`]) {
      const raw = await skopeoRaw(reference);
      expect(raw.code).not.toBe(0);
      expect(raw.stderr).toContain('manifest unknown');
    }
  });
});
