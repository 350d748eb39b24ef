// The EKS stand-in with the real clients end to end: kubectl 1.32 whose kubeconfig user runs
// Debian's `/usr/bin/aws eks get-token` (AWS CLI 2.9) as its exec plugin, holding the dev deploy
// role's credentials from the local STS. The CLI presigns for the real STS host name
// (sts.<region>.amazonaws.com), makes no call itself, and the stand-in's authenticator checks the
// host against aws-iam-authenticator's allowlist and asks the local STS on 127.0.0.1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { makeEksToken } from '../../test/kube/eks-token-for-tests.ts';
import { type StartedKubeCloud, startKubeCloud } from '../kube/start-kube-cloud.ts';
import { type LocalCloud, startLocalCloud } from './start-local-cloud.ts';

const AWS = '/usr/bin/aws';
let cloud: LocalCloud;
let kube: StartedKubeCloud;
let work: string;
let deployer: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** A kubeconfig whose user is `aws eks get-token` for the cluster, in `region`. */
function getTokenKubeconfig(name: string, region: string): string {
  const path = join(work, `${name}.kubeconfig`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: kube.clusterName,
          cluster: { server: kube.apiUrl, 'certificate-authority-data': Buffer.from(kube.caPem).toString('base64') },
        },
      ],
      users: [
        {
          name: 'deployer',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: AWS,
              args: ['--region', region, 'eks', 'get-token', '--cluster-name', kube.clusterName],
              interactiveMode: 'Never',
            },
          },
        },
      ],
      contexts: [{ name: 'deployer', context: { cluster: kube.clusterName, user: 'deployer' } }],
      'current-context': 'deployer',
    }),
  );
  return path;
}

/** kubectl with only the deploy role's credentials in its environment (the exec plugin inherits it). */
async function kubectlAs(kubeconfig: string, ...args: string[]) {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: work,
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: deployer.accessKeyId,
    AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey,
    ...(deployer.sessionToken ? { AWS_SESSION_TOKEN: deployer.sessionToken } : {}),
  };
  return exec('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, timeoutMs: 120_000 });
}

beforeAll(async () => {
  cloud = await startLocalCloud({
    log: () => {},
    // the dev deploy role and its access entry as terraform apply of the example creates them
    pipelineIam: 'terraform-snapshot',
    kube: async (context) => {
      kube = await startKubeCloud({ ...context, node: false });
      return kube;
    },
  });
  work = mkdtempSync(join(tmpdir(), 'bakeline-eks-get-token-'));
  deployer = cloud.admin.roleCredentials('bakeline-deploy-dev', { sessionName: 'kubectl' });
  const admin = await exec('kubectl', [
    '--kubeconfig',
    kube.kubeconfigPath,
    'create',
    'deployment',
    'web',
    '-n',
    'dev',
    '--image=registry.example/web:1',
  ]);
  expect(admin.exitCode, admin.stderr).toBe(0);
});

afterAll(async () => {
  await cloud?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kubectl with `aws eks get-token` as its exec plugin, as the dev deploy role', () => {
  test('the token names the real STS host, and kubectl get deploy -n dev works', async () => {
    const token = await exec(AWS, ['--region', kube.region, 'eks', 'get-token', '--cluster-name', kube.clusterName], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: work,
        AWS_CONFIG_FILE: join(work, 'no-aws-config'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: deployer.accessKeyId,
        AWS_SECRET_ACCESS_KEY: deployer.secretAccessKey,
        ...(deployer.sessionToken ? { AWS_SESSION_TOKEN: deployer.sessionToken } : {}),
      },
    });
    expect(token.exitCode, token.stderr).toBe(0);
    const presigned = JSON.parse(token.stdout).status.token as string;
    const url = new URL(Buffer.from(presigned.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.origin).toBe(`https://sts.${kube.region}.amazonaws.com`);

    const kubeconfig = getTokenKubeconfig('dev', kube.region);
    const r = await kubectlAs(kubeconfig, 'get', 'deploy', '-n', 'dev');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^web\s/m);
    const users = new Set(kube.admin.requestLog().map((e) => e.user));
    expect(users).toContain(`arn:aws:sts::${cloud.endpoints.accountId}:assumed-role/bakeline-deploy-dev/kubectl`);
  });

  test('kubectl auth can-i patch deployments: no in prod, yes in dev', async () => {
    const kubeconfig = getTokenKubeconfig('can-i', kube.region);
    const prod = await kubectlAs(kubeconfig, 'auth', 'can-i', 'patch', 'deployments', '-n', 'prod');
    expect(prod.stdout.trim(), prod.stderr).toBe('no');
    expect(prod.exitCode).toBe(1);
    const dev = await kubectlAs(kubeconfig, 'auth', 'can-i', 'patch', 'deployments', '-n', 'dev');
    expect(dev.stdout.trim(), dev.stderr).toBe('yes');
    expect(dev.exitCode).toBe(0);
  });

  test('kubectl auth can-i --list -n dev prints the rules RBAC can list', async () => {
    const r = await kubectlAs(getTokenKubeconfig('list', kube.region), 'auth', 'can-i', '--list', '-n', 'dev');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    expect(r.stderr).toContain('webhook authorizer does not support user rule resolution');
  });

  test('a token of `aws eks get-token` for another partition is refused with the authenticator text', async () => {
    const before = kube.admin.authFailures().length;
    const r = await kubectlAs(getTokenKubeconfig('aws-cn', 'cn-north-1'), 'get', 'deploy', '-n', 'dev');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
    expect(
      kube.admin
        .authFailures()
        .slice(before)
        .map((f) => f.reason),
    ).toContain(
      'input token was not properly formatted: partition {aws} does not support hostname sts.cn-north-1.amazonaws.com.cn',
    );
  });

  test('a token for sts.evil.example.com, well signed, is refused with the authenticator text', async () => {
    const before = kube.admin.authFailures().length;
    const token = await makeEksToken({
      credentials: deployer,
      clusterName: kube.clusterName,
      region: kube.region,
      host: 'sts.evil.example.com',
    });
    const r = await exec(
      'kubectl',
      ['--kubeconfig', kube.admin.writeTokenKubeconfig('evil', token, 'dev'), 'get', 'deploy'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(r.exitCode).toBe(1);
    expect(
      kube.admin
        .authFailures()
        .slice(before)
        .map((f) => f.reason),
    ).toContain('input token was not properly formatted: unexpected hostname "sts.evil.example.com" in pre-signed URL');
  });
});
