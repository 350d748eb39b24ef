// Acceptance of ecr-push, run as the runner runs it (the bundled dist/ through the harness) against
// the local cloud (OIDC issuer + the runner's ID-token endpoint, STS, ECR API, the ECR registry
// front over a real Distribution registry): the example service baked by docker-bake is pushed
// through OIDC credentials, checked with skopeo, pulled by digest and run with docker; re-runs,
// tag conflicts, STS refusals, the scan gate, cross-repository mounts, a role without
// ecr:PutImage, and bad inputs.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BaseImage, ensureBaseImage } from '@bakeline/bake';
import { type LocalCloud, startLocalCloud } from '@bakeline/local-cloud';
import { readLayoutImage } from '@bakeline/oci';
import { repoRoot, runBundledAction } from '@bakeline/test/harness';
import {
  type BakedImage,
  bakeExampleImages,
  expectSuccess,
  failureOf as failure,
  pushRolePassword,
  type TempWorkspace,
  tempWorkspace,
} from '@bakeline/test-fixtures';
import { consoleLogger, execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const SHA = '0123abc4567def890123abc4567def890123abcd';
const REPO = 'ostock/licensing-service';

let cloud: LocalCloud;
let base: BaseImage;
let workspace: string;
let workspaceDir: TempWorkspace | undefined;
let service: BakedImage;
let variant: BakedImage;
const containers: string[] = [];
const images: string[] = [];

/** The inputs and environment of a push to main through OIDC, as the publish job runs it. */
function oidcPush(
  c: LocalCloud,
  inputs: Record<string, string>,
  grant: { requestUrl: string; requestToken: string } = c.endpoints.oidc,
) {
  return {
    workspace,
    github: { sha: SHA, ref: 'refs/heads/main', repository: c.endpoints.githubRepository },
    inputs: {
      region: c.endpoints.region,
      'role-to-assume': c.endpoints.roles['bakeline-ecr-push'] ?? '',
      'ecr-endpoint': c.endpoints.ecr,
      'sts-endpoint': c.endpoints.sts,
      ...inputs,
    },
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken },
    timeoutMs: 240_000,
  };
}

/** A registry password for a holder of the push role (what `aws ecr get-login-password` gives). */
function registryPassword(c: LocalCloud): string {
  return pushRolePassword(c, 'acceptance');
}

async function skopeoDigest(c: LocalCloud, reference: string): Promise<string> {
  const { stdout } = await execChecked('skopeo', [
    'inspect',
    '--creds',
    `AWS:${registryPassword(c)}`,
    '--tls-verify=false',
    `docker://${c.endpoints.registry.host}/${reference}`,
  ]);
  return (JSON.parse(stdout) as { Digest: string }).Digest;
}

function tagsOf(c: LocalCloud, repository: string): Record<string, string> {
  return Object.fromEntries(c.admin.ecr.getRepository(repository)?.tags ?? []);
}

beforeAll(async () => {
  base = await ensureBaseImage({ logger: consoleLogger });
  workspaceDir = tempWorkspace('bakeline-ecr-push-');
  workspace = workspaceDir.path;
  // the service, and the same service with other runtime defaults: another digest, the same layers
  ({ service, variant } = await bakeExampleImages({ workspace, baseLayoutDir: base.layoutDir, sha: SHA }));
  cloud = await startLocalCloud({ kube: false, scanDelayMs: 1500, log: () => {}, pipelineIam: 'terraform-snapshot' });
}, 600_000);

afterAll(async () => {
  workspaceDir?.remove();
  for (const id of containers) await execChecked('docker', ['rm', '--force', id]).catch(() => undefined);
  for (const image of images) await execChecked('docker', ['rmi', '--force', image]).catch(() => undefined);
  await cloud?.stop();
});

describe('ecr-push acceptance', () => {
  test("pushes the example's layout through OIDC; skopeo reads the same digest; docker pulls it by digest and runs it", async () => {
    const logStart = cloud.admin.registryLog().length;
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(cloud, { layout: service.layout, digest: service.digest, repository: REPO, tags: 'sha-0123abc' }),
    );
    expectSuccess(result);
    const host = cloud.endpoints.registry.host;
    expect(result.outputs).toMatchObject({
      'image-uri': `${host}/${REPO}@${service.digest}`,
      digest: service.digest,
      registry: host,
      'repository-uri': `${host}/${REPO}`,
      'skipped-blobs': '0',
      'mounted-blobs': '0',
    });
    const image = await readLayoutImage(service.layout);
    const total = [image.manifest.config, ...image.manifest.layers].reduce((s, d) => s + d.size, 0);
    expect(Number(result.outputs['pushed-bytes'])).toBe(total);
    // every blob went up monolithic (POST then one PUT with the bytes): never a chunked PATCH
    const uploads = cloud.admin.registryLog().slice(logStart);
    expect(uploads.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(
      uploads.filter((r) => r.method === 'PUT' && r.status === 201 && r.path.includes('/blobs/uploads/')),
    ).toHaveLength(image.manifest.layers.length + 1);
    expect(result.summary).toContain(`${host}/${REPO}@${service.digest}`);
    expect(result.summary).toContain('sha-0123abc');
    // every secret was masked, none was printed; the account ID is not a secret
    expect(result.masks.length).toBeGreaterThanOrEqual(5);
    const printed = `${result.stdout}\n${result.stderr}`
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of result.masks) {
      expect(printed).not.toContain(secret);
      expect(secret).not.toContain(cloud.endpoints.accountId);
      expect(host).not.toContain(secret);
    }
    expect(cloud.admin.ecr.getRepository(REPO)).toMatchObject({ imageTagMutability: 'IMMUTABLE', scanOnPush: true });

    expect(await skopeoDigest(cloud, `${REPO}@${service.digest}`)).toBe(service.digest);
    expect(await skopeoDigest(cloud, `${REPO}:sha-0123abc`)).toBe(service.digest);

    const dockerConfig = mkdtempSync(join(tmpdir(), 'bakeline-docker-config-'));
    await execChecked('docker', ['--config', dockerConfig, 'login', '--username', 'AWS', '--password-stdin', host], {
      input: registryPassword(cloud),
    });
    const pinned = `${host}/${REPO}@${service.digest}`;
    images.push(pinned);
    await execChecked('docker', ['--config', dockerConfig, 'pull', '--quiet', pinned], { timeoutMs: 180_000 });
    const id = (await execChecked('docker', ['image', 'inspect', '--format', '{{.Id}}', pinned])).stdout.trim();
    expect(id).toBe(image.manifest.config.digest);
    const container = (
      await execChecked('docker', ['run', '--detach', '--publish', '127.0.0.1::8080', pinned])
    ).stdout.trim();
    containers.push(container);
    const port = (await execChecked('docker', ['port', container, '8080/tcp'])).stdout
      .trim()
      .split('\n')[0]
      ?.split(':')
      .pop();
    let last = '';
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; attempt < 120 && Date.now() < deadline; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/actuator/health`, { signal: AbortSignal.timeout(2000) });
        last = `${response.status} ${await response.text()}`;
        if (response.status === 200) break;
      } catch (error: unknown) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(last).toMatch(/^200 .*"status"\s*:\s*"UP"/);
  });

  test('re-running the same push (here from the archive) succeeds, uploads nothing and leaves the tags alone', async () => {
    const before = cloud.admin.registryLog().length;
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(cloud, { archive: service.archive, digest: service.digest, repository: REPO, tags: 'sha-0123abc' }),
    );
    expectSuccess(result);
    const image = await readLayoutImage(service.layout);
    expect(result.outputs).toMatchObject({
      'pushed-bytes': '0',
      'skipped-blobs': String(image.manifest.layers.length + 1),
      'mounted-blobs': '0',
    });
    const requests = cloud.admin.registryLog().slice(before);
    expect(requests.filter((r) => r.method === 'POST' || r.method === 'PATCH')).toEqual([]);
    expect(requests.filter((r) => r.method === 'PUT' && /\/manifests\/(?!sha256:)/.test(r.path))).toEqual([]);
    expect(result.summary).toMatch(/sha-0123abc<\/code> already there/);
    expect(tagsOf(cloud, REPO)).toEqual({ 'sha-0123abc': service.digest });
  });

  test('a different image under an existing tag fails naming the tag, both digests and the repository; the tag is not moved', async () => {
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(cloud, { layout: variant.layout, digest: variant.digest, repository: REPO, tags: 'sha-0123abc' }),
    );
    expect(result.exitCode).toBe(1);
    const message = failure(result);
    expect(message).toContain("tag 'sha-0123abc'");
    expect(message).toContain(`${cloud.endpoints.registry.host}/${REPO}`);
    expect(message).toContain(service.digest);
    expect(message).toContain(variant.digest);
    expect(tagsOf(cloud, REPO)).toEqual({ 'sha-0123abc': service.digest });
    expect(await skopeoDigest(cloud, `${REPO}:sha-0123abc`)).toBe(service.digest);
  });

  test.each([
    [
      'a subject the trust policy does not allow',
      { ref: 'refs/heads/feature' },
      {},
      {},
      /^Could not assume role arn:aws:iam::123456789012:role\/bakeline-ecr-push: the OIDC token's subject 'repo:bakeline-dev\/licensing-service:ref:refs\/heads\/feature' is not allowed by the role's trust policy.*STS said: AccessDenied/,
    ],
    [
      'an expired token',
      {},
      { expired: true },
      {},
      /^Could not assume role .*: the OIDC token has expired \(issued .*re-run the job.*STS said: ExpiredTokenException/,
    ],
    [
      'a wrong audience',
      {},
      {},
      { audience: 'https://github.com/bakeline-dev' },
      /^Could not assume role .*: STS refused the OIDC token's audience 'https:\/\/github\.com\/bakeline-dev': set the 'audience' input.*STS said: InvalidIdentityToken/,
    ],
  ])('STS refuses %s: the step fails saying what to change', async (_name, claims, tokenOptions, inputs, expected) => {
    const before = cloud.admin.registryLog().length;
    const grant = cloud.admin.grantIdToken(claims, tokenOptions);
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(
        cloud,
        { layout: service.layout, digest: service.digest, repository: 'ostock/denied', ...inputs },
        grant,
      ),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(expected);
    expect(cloud.admin.registryLog().length).toBe(before);
    expect(cloud.admin.ecr.getRepository('ostock/denied')).toBeUndefined();
  });

  test('a scan finding at or above fail-on-severity fails the step listing the findings; below it passes', async () => {
    cloud.admin.setScanFindings(REPO, '*', [
      {
        name: 'CVE-2026-0001',
        severity: 'HIGH',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2026-0001',
        attributes: [
          { key: 'package_name', value: 'openssl' },
          { key: 'package_version', value: '3.0.15-1' },
        ],
      },
      { name: 'CVE-2026-0002', severity: 'LOW', attributes: [{ key: 'package_name', value: 'tar' }] },
    ]);
    const push = (failOn: string) =>
      runBundledAction(
        'ecr-push',
        oidcPush(cloud, {
          layout: service.layout,
          digest: service.digest,
          repository: REPO,
          scan: 'wait',
          'fail-on-severity': failOn,
          'scan-timeout': '60s',
        }),
      );
    const blocked = await push('HIGH');
    expect(blocked.exitCode).toBe(1);
    expect(failure(blocked)).toMatch(
      /found 1 HIGH \(at or above HIGH\); the image was pushed but must not be deployed:\n\s+HIGH CVE-2026-0001 in openssl 3\.0\.15-1/,
    );
    expect(failure(blocked)).not.toContain('CVE-2026-0002');
    expect(JSON.parse(blocked.outputs['scan-findings'] ?? '')).toEqual({ HIGH: 1, LOW: 1 });
    expect(blocked.summary).toContain('CVE-2026-0001');

    const passed = await push('CRITICAL');
    expectSuccess(passed);
    expect(JSON.parse(passed.outputs['scan-findings'] ?? '')).toEqual({ HIGH: 1, LOW: 1 });
  });

  test('a role whose policy lacks ecr:PutImage fails with the AWS error made readable, and nothing is tagged', async () => {
    const subject = `repo:${cloud.endpoints.githubRepository}:ref:refs/heads/main`;
    const repositories = `arn:aws:ecr:${cloud.endpoints.region}:${cloud.endpoints.accountId}:repository/*`;
    cloud.admin.createGithubRole({
      name: 'push-without-put-image',
      subjects: [subject],
      policies: {
        push: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
            {
              Effect: 'Allow',
              Action: [
                'ecr:BatchCheckLayerAvailability',
                'ecr:InitiateLayerUpload',
                'ecr:UploadLayerPart',
                'ecr:CompleteLayerUpload',
                'ecr:BatchGetImage',
                'ecr:CreateRepository',
                'ecr:DescribeRepositories',
                'ecr:DescribeImages',
              ],
              Resource: repositories,
            },
          ],
        },
      },
    });
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(cloud, {
        layout: service.layout,
        digest: service.digest,
        repository: 'ostock/no-put-image',
        tags: 'v1',
        'role-to-assume': `arn:aws:iam::${cloud.endpoints.accountId}:role/push-without-put-image`,
      }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(
      /^ECR refused the push to 127\.0\.0\.1:\d+\/ostock\/no-put-image: the role lacks ecr:PutImage: add it to the role's policy/,
    );
    expect(cloud.admin.ecr.getRepository('ostock/no-put-image')?.images.size).toBe(0);
    expect(tagsOf(cloud, 'ostock/no-put-image')).toEqual({});
  });

  test("the README's IAM policy and trust policy are enough: create with a lifecycle policy, push, tag, scan", async () => {
    const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'aws', name), 'utf8');
    const provider = new URL(cloud.endpoints.oidc.issuer).host;
    cloud.admin.iam.createRole({
      name: 'readme-ecr-push',
      trustPolicy: fixture('ecr-push-trust-policy-01.json')
        .replaceAll('token.actions.githubusercontent.com', provider)
        .replaceAll('acme/licensing-service', cloud.endpoints.githubRepository),
      policies: { 'ecr-push': fixture('ecr-push-policy-01.json').replaceAll('eu-west-1', cloud.endpoints.region) },
    });
    const policyPath = join(workspace, 'lifecycle-policy.json');
    writeFileSync(policyPath, fixture('lifecycle-policy-01.json'));
    const result = await runBundledAction(
      'ecr-push',
      oidcPush(cloud, {
        layout: service.layout,
        digest: service.digest,
        repository: 'ostock/readme',
        tags: 'sha-0123abc\n1.0.0',
        'role-to-assume': `arn:aws:iam::${cloud.endpoints.accountId}:role/readme-ecr-push`,
        'lifecycle-policy': 'lifecycle-policy.json',
        scan: 'wait',
        'fail-on-severity': 'CRITICAL',
      }),
    );
    expectSuccess(result);
    expect(tagsOf(cloud, 'ostock/readme')).toEqual({ 'sha-0123abc': service.digest, '1.0.0': service.digest });
    expect(JSON.parse(cloud.admin.ecr.getRepository('ostock/readme')?.lifecyclePolicyText ?? '{}')).toEqual(
      JSON.parse(fixture('lifecycle-policy-01.json')),
    );
    expect(result.outputs['scan-findings']).toBe('{}');
  });

  test('the ambient credentials (AWS_ACCESS_KEY_ID, ...) work without a role, and are masked', async () => {
    const user = cloud.endpoints.credentials;
    const result = await runBundledAction('ecr-push', {
      workspace,
      inputs: {
        layout: service.layout,
        digest: service.digest,
        repository: 'ostock/ambient',
        'ecr-endpoint': cloud.endpoints.ecr,
      },
      env: {
        AWS_REGION: cloud.endpoints.region,
        AWS_ACCESS_KEY_ID: user.accessKeyId,
        AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
      },
      timeoutMs: 240_000,
    });
    expectSuccess(result);
    expect(result.masks).toContain(user.secretAccessKey);
    expect(result.outputs.digest).toBe(service.digest);
  });

  test('after the base image was pushed to one repository, pushing the service to another mounts the base layers', async () => {
    const fresh = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
    try {
      // the base image is another team's: pushed with the account's IAM user
      const user = fresh.endpoints.credentials;
      const pushedBase = await runBundledAction('ecr-push', {
        workspace,
        inputs: {
          layout: base.layoutDir,
          digest: base.digest,
          repository: 'base/jre17',
          tags: 'bookworm',
          'ecr-endpoint': fresh.endpoints.ecr,
        },
        env: {
          AWS_REGION: fresh.endpoints.region,
          AWS_ACCESS_KEY_ID: user.accessKeyId,
          AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
        },
        timeoutMs: 240_000,
      });
      expectSuccess(pushedBase);
      // Terraform's push role reads only its own repository: mounting needs the list of the
      // registry's repositories and a read of the base repository, granted here as a team would
      fresh.admin.iam.putRolePolicy('bakeline-ecr-push', 'mount-base', {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'ecr:DescribeRepositories',
            Resource: `arn:aws:ecr:${fresh.endpoints.region}:${fresh.endpoints.accountId}:repository/*`,
          },
          {
            Effect: 'Allow',
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Resource: `arn:aws:ecr:${fresh.endpoints.region}:${fresh.endpoints.accountId}:repository/base/jre17`,
          },
        ],
      });
      const before = fresh.admin.registryLog().length;
      const result = await runBundledAction(
        'ecr-push',
        oidcPush(fresh, { layout: service.layout, digest: service.digest, repository: REPO, tags: 'sha-0123abc' }),
      );
      expectSuccess(result);
      const baseImage = await readLayoutImage(base.layoutDir);
      const serviceImage = await readLayoutImage(service.layout);
      const baseLayers = baseImage.manifest.layers.map((l) => l.digest);
      expect(result.outputs['mounted-blobs']).toBe(String(baseLayers.length));
      expect(result.outputs['skipped-blobs']).toBe('0');
      const appBytes = serviceImage.manifest.layers
        .filter((l) => !baseLayers.includes(l.digest))
        .reduce((s, l) => s + l.size, serviceImage.manifest.config.size);
      expect(Number(result.outputs['pushed-bytes'])).toBe(appBytes);
      const mounts = fresh.admin
        .registryLog()
        .slice(before)
        .filter((r) => r.method === 'POST' && r.path.includes('mount='));
      for (const layer of baseLayers) {
        expect(mounts).toContainEqual(
          expect.objectContaining({
            path: `/v2/${REPO}/blobs/uploads/?mount=${encodeURIComponent(layer)}&from=${encodeURIComponent('base/jre17')}`,
            status: 201,
            mounted: true,
          }),
        );
      }
      expect(result.summary).toMatch(/mounted from <code>base\/jre17<\/code>/);
    } finally {
      await fresh.stop();
    }
  });

  describe('bad inputs fail before any network call, in one line naming the input', () => {
    let requests = 0;
    let endpoint = '';
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    test.each([
      [{ digest: 'sha256:1234' }, /^Input 'digest': got "sha256:1234"; expected sha256:<64 lowercase hex>$/],
      [{ repository: 'Ostock/Service' }, /^Input 'repository': got "Ostock\/Service"; expected lowercase/],
      [{ tags: 'v1, no:colons' }, /^Input 'tags': got "no:colons"; expected tags matching/],
      [{ region: 'mars-1' }, /^Input 'region': got "mars-1"; expected an AWS region/],
      [{ registry: '1234' }, /^Input 'registry': got "1234"; expected a 12-digit account ID or a registry host/],
      [{ 'fail-on-severity': 'HIGH' }, /^Input 'fail-on-severity': got "HIGH"; it needs 'scan: wait'/],
      [{ concurrency: '0' }, /^Input 'concurrency': got "0"; expected an integer in 1\.\.16$/],
      [{ layout: '' }, /^Input 'layout': give exactly one of layout or archive$/],
    ])('%j', async (override, expected) => {
      const result = await runBundledAction('ecr-push', {
        workspace,
        inputs: {
          layout: service.layout,
          digest: service.digest,
          repository: REPO,
          region: 'us-east-1',
          'role-to-assume': 'arn:aws:iam::123456789012:role/bakeline-ecr-push',
          'ecr-endpoint': endpoint,
          'sts-endpoint': endpoint,
          ...override,
        },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${endpoint}/idtoken?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        },
      });
      expect(result.exitCode).toBe(1);
      expect(failure(result)).toMatch(expected);
      expect(failure(result).split('\n')).toHaveLength(1);
      expect(requests).toBe(0);
    });

    test('a layout that is not the image the digest names fails before any network call, naming both digests', async () => {
      const tampered = mkdtempSync(join(tmpdir(), 'bakeline-tampered-'));
      cpSync(service.layout, tampered, { recursive: true });
      const image = await readLayoutImage(tampered);
      const config = join(tampered, 'blobs', 'sha256', image.manifest.config.digest.slice(7));
      writeFileSync(config, Buffer.from(JSON.stringify({ ...image.config, os: 'windows' })));
      const result = await runBundledAction('ecr-push', {
        workspace,
        inputs: {
          layout: tampered,
          digest: service.digest,
          repository: REPO,
          region: 'us-east-1',
          'ecr-endpoint': endpoint,
          'sts-endpoint': endpoint,
          'role-to-assume': 'arn:aws:iam::123456789012:role/bakeline-ecr-push',
        },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `${endpoint}/idtoken?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        },
      });
      expect(result.exitCode).toBe(1);
      expect(failure(result)).toContain(image.manifest.config.digest);
      expect(requests).toBe(0);
    });
  });
});
