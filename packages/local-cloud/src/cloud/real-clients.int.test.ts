// The local cloud against the real clients: the AWS CLI v2 (/usr/bin/aws 2.9, never the pyenv
// shim), docker 20.10 (login over plain http to 127.0.0.1, push, pull by digest) and skopeo.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from './start-local-cloud.ts';

const AWS = '/usr/bin/aws';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  const r = await exec(command, args, { ...options, timeoutMs: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

let cloud: LocalCloud;
let work: string;
let home: string;
const suffix = randomBytes(4).toString('hex');
const localImage = `bakeline-local-cloud-test/tiny:${suffix}`;
const created: string[] = [];

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function awsEnv(creds: Creds): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: cloud.endpoints.region,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (creds.sessionToken !== undefined) env.AWS_SESSION_TOKEN = creds.sessionToken;
  return env;
}

const dockerEnv = () => ({ ...process.env, DOCKER_CONFIG: join(work, 'docker'), HOME: home });

async function aws(creds: Creds, service: 'sts' | 'ecr' | 'eks', args: string[]): Promise<Result> {
  const endpoint = service === 'sts' ? cloud.endpoints.sts : service === 'ecr' ? cloud.endpoints.ecr : undefined;
  return run(AWS, [...(endpoint ? ['--endpoint-url', endpoint] : []), '--output', 'json', service, ...args], {
    env: awsEnv(creds),
  });
}

function ok(r: Result): Result {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r;
}

beforeAll(async () => {
  // the pipeline's roles as terraform apply of the example creates them
  cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  work = mkdtempSync(join(tmpdir(), 'bakeline-real-clients-'));
  home = join(work, 'home');
  mkdirSync(home);
  const layer = join(work, 'layer');
  mkdirSync(layer);
  writeFileSync(join(layer, 'hello.txt'), `hello ${suffix}\n`);
  ok(await run('sh', ['-c', `tar -C "${layer}" -c . | docker import - ${localImage}`]));
  created.push(localImage);
});

afterAll(async () => {
  for (const ref of created) await run('docker', ['rmi', '-f', ref]);
  await cloud?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('AWS CLI v2 against STS', () => {
  it('answers get-caller-identity for long-lived keys', async () => {
    const out = JSON.parse(ok(await aws(cloud.endpoints.credentials, 'sts', ['get-caller-identity'])).stdout);
    expect(out).toEqual({
      UserId: expect.stringMatching(/^AIDA/),
      Account: '123456789012',
      Arn: cloud.endpoints.credentials.userArn,
    });
  });

  it('exchanges a GitHub token (unsigned call) and the credentials work', async () => {
    const token = await cloud.admin.issueIdToken({});
    const env = awsEnv({ accessKeyId: 'unused', secretAccessKey: 'unused' });
    const assumed = ok(
      await run(
        AWS,
        [
          '--endpoint-url',
          cloud.endpoints.sts,
          '--output',
          'json',
          'sts',
          'assume-role-with-web-identity',
          '--role-arn',
          cloud.endpoints.roles['bakeline-ecr-push'] ?? '',
          '--role-session-name',
          'cli',
          '--web-identity-token',
          token,
        ],
        { env },
      ),
    );
    const c = JSON.parse(assumed.stdout).Credentials as {
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
    };
    const who = JSON.parse(
      ok(
        await aws(
          { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
          'sts',
          ['get-caller-identity'],
        ),
      ).stdout,
    );
    expect(who.Arn).toBe('arn:aws:sts::123456789012:assumed-role/bakeline-ecr-push/cli');
  });

  it('reports a token whose sub the trust policy does not name', async () => {
    const token = await cloud.admin.issueIdToken({ sub: 'repo:bakeline-dev/licensing-service:pull_request' });
    const r = await run(
      AWS,
      [
        '--endpoint-url',
        cloud.endpoints.sts,
        'sts',
        'assume-role-with-web-identity',
        '--role-arn',
        cloud.endpoints.roles['bakeline-ecr-push'] ?? '',
        '--role-session-name',
        'cli',
        '--web-identity-token',
        token,
      ],
      { env: awsEnv({ accessKeyId: 'unused', secretAccessKey: 'unused' }) },
    );
    expect(r.code).toBe(254);
    expect(r.stderr.trim()).toBe(
      'An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
  });

  it('rejects a tampered secret and expired credentials', async () => {
    const good = cloud.admin.roleCredentials('bakeline-ecr-push');
    const tampered = await aws({ ...good, secretAccessKey: `${good.secretAccessKey.slice(0, -2)}xx` }, 'sts', [
      'get-caller-identity',
    ]);
    expect(tampered.code).toBe(254);
    expect(tampered.stderr).toContain(
      'An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation',
    );
    const expired = await aws(
      cloud.admin.roleCredentials('bakeline-ecr-push', { expiration: new Date(Date.now() - 1000) }),
      'sts',
      ['get-caller-identity'],
    );
    expect(expired.code).toBe(254);
    expect(expired.stderr.trim()).toBe(
      'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired',
    );
  });

  it('signs `aws eks get-token` URLs that verifyPresignedGetCallerIdentity accepts for that cluster only', async () => {
    const creds = cloud.admin.roleCredentials('bakeline-deploy-dev', { sessionName: 'eks' });
    const out = JSON.parse(ok(await aws(creds, 'eks', ['get-token', '--cluster-name', 'dev'])).stdout) as {
      status: { token: string };
    };
    const url = new URL(Buffer.from(out.status.token.replace(/^k8s-aws-v1\./, ''), 'base64url').toString());
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    await expect(
      cloud.admin.sts.verifyPresignedGetCallerIdentity(url, { headers: { 'x-k8s-aws-id': 'dev' } }),
    ).resolves.toMatchObject({
      arn: 'arn:aws:sts::123456789012:assumed-role/bakeline-deploy-dev/eks',
      roleArn: cloud.endpoints.roles['bakeline-deploy-dev'],
    });
    await expect(
      cloud.admin.sts.verifyPresignedGetCallerIdentity(url, { headers: { 'x-k8s-aws-id': 'prod' } }),
    ).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

describe('AWS CLI v2, docker and skopeo against ECR', () => {
  it('logs docker in over plain http, pushes, describes, refuses a re-push to an immutable tag, mounts, copies and pulls by digest', async () => {
    // repositories of its own: the account's IAM user (Terraform's push role may push only to the example's)
    const creds = cloud.endpoints.credentials;
    const host = cloud.endpoints.registry.host;
    const repo = `ostock/cli-${suffix}`;
    const created1 = JSON.parse(
      ok(
        await aws(creds, 'ecr', [
          'create-repository',
          '--repository-name',
          repo,
          '--image-tag-mutability',
          'IMMUTABLE',
          '--image-scanning-configuration',
          'scanOnPush=true',
        ]),
      ).stdout,
    );
    expect(created1.repository.repositoryUri).toBe(`${host}/${repo}`);
    ok(await aws(creds, 'ecr', ['create-repository', '--repository-name', `${repo}-copy`]));

    const passwordOut = ok(await aws(creds, 'ecr', ['get-login-password'])).stdout.trim();
    const login = await run('docker', ['login', '--username', 'AWS', '--password-stdin', host], {
      env: dockerEnv(),
      input: passwordOut,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');

    const remote = `${host}/${repo}:v1`;
    ok(await run('docker', ['tag', localImage, remote]));
    created.push(remote);
    const push = ok(await run('docker', ['push', remote], { env: dockerEnv() }));
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1] ?? '';
    expect(digest).not.toBe('');

    const repos = JSON.parse(ok(await aws(creds, 'ecr', ['describe-repositories', '--repository-names', repo])).stdout);
    expect(repos.repositories[0].imageTagMutability).toBe('IMMUTABLE');
    const images = JSON.parse(
      ok(await aws(creds, 'ecr', ['describe-images', '--repository-name', repo, '--image-ids', 'imageTag=v1'])).stdout,
    );
    expect(images.imageDetails[0]).toMatchObject({ imageDigest: digest, imageTags: ['v1'] });

    const again = await run('docker', ['push', remote], { env: dockerEnv() });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(
      `tag invalid: The image tag 'v1' already exists in the '${repo}' repository and cannot be overwritten because the repository is immutable.`,
    );

    const second = `${host}/${repo}-copy:from-docker`;
    ok(await run('docker', ['tag', localImage, second]));
    created.push(second);
    ok(await run('docker', ['push', second], { env: dockerEnv() }));
    const mounts = cloud.admin
      .registryLog()
      .filter((e) => e.path.startsWith(`/v2/${repo}-copy/blobs/uploads/?`) && e.path.includes('mount='));
    expect(mounts.some((e) => e.status === 201 && e.mounted === true)).toBe(true);

    const skopeoCreds = `AWS:${passwordOut}`;
    ok(
      await run('skopeo', [
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--src-creds',
        skopeoCreds,
        '--dest-creds',
        skopeoCreds,
        `docker://${remote}`,
        `docker://${host}/${repo}-copy:from-skopeo`,
      ]),
    );
    const inspected = JSON.parse(
      ok(
        await run('skopeo', [
          'inspect',
          '--tls-verify=false',
          '--creds',
          skopeoCreds,
          `docker://${host}/${repo}-copy:from-skopeo`,
        ]),
      ).stdout,
    );
    expect(inspected.Digest).toBe(digest);

    ok(await run('docker', ['rmi', remote, second]));
    const byDigest = `${host}/${repo}@${digest}`;
    ok(await run('docker', ['pull', byDigest], { env: dockerEnv() }));
    created.push(byDigest);
    const pulled = ok(await run('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', byDigest])).stdout;
    expect(pulled).toContain(byDigest);
  });

  it('refuses docker without login, and a push by a role that may not upload, in ECR wording', async () => {
    const host = cloud.endpoints.registry.host;
    const anonymous = await run('docker', ['pull', `${host}/ostock/nothing:v1`], {
      env: { ...process.env, DOCKER_CONFIG: join(work, 'empty-docker') },
    });
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/no basic auth credentials|unauthorized/);

    const repo = `ostock/read-only-${suffix}`;
    ok(await aws(cloud.endpoints.credentials, 'ecr', ['create-repository', '--repository-name', repo]));
    cloud.admin.createGithubRole({
      name: `reader-${suffix}`,
      subjects: ['repo:bakeline-dev/licensing-service:*'],
      policies: {
        read: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage'],
              Resource: '*',
            },
          ],
        },
      },
    });
    const reader = cloud.admin.roleCredentials(`reader-${suffix}`, { sessionName: 'reader' });
    const password = ok(await aws(reader, 'ecr', ['get-login-password'])).stdout.trim();
    const env = { ...process.env, DOCKER_CONFIG: join(work, 'reader-docker'), HOME: home };
    ok(await run('docker', ['login', '--username', 'AWS', '--password-stdin', host], { env, input: password }));
    const remote = `${host}/${repo}:v1`;
    ok(await run('docker', ['tag', localImage, remote]));
    created.push(remote);
    const push = await run('docker', ['push', remote], { env });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(
      `denied: User: arn:aws:sts::123456789012:assumed-role/reader-${suffix}/reader is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/${repo} because no identity-based policy allows the ecr:InitiateLayerUpload action`,
    );
  });
});
