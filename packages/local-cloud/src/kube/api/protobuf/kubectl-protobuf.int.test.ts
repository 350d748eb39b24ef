// The real kubectl 1.32 against the API stand-in: the creates its typed clients send as protobuf
// are decoded and answered in JSON, and `auth can-i --list` gets a SelfSubjectRulesReview.
import { readFileSync } from 'node:fs';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminCertificate, kubeRequest } from '../../../../test/kube/kube-request.ts';
import { type StartedKubeCloud, startKubeCloud } from '../../start-kube-cloud.ts';

let cloud: StartedKubeCloud;

beforeAll(async () => {
  cloud = await startKubeCloud({ node: false, namespaces: ['dev'] });
});
afterAll(async () => {
  await cloud?.stop();
});

async function kubectl(...args: string[]) {
  return exec('kubectl', ['--kubeconfig', cloud.kubeconfigPath, ...args], { timeoutMs: 120_000 });
}

async function kubectlOk(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

function protobufRequests(path: string) {
  return cloud.admin
    .requestLog()
    .filter((e) => e.method === 'POST' && e.path === path && e.contentType === 'application/vnd.kubernetes.protobuf');
}

describe('kubectl 1.32 protobuf bodies against the API stand-in', () => {
  test('kubectl create namespace / configmap / deployment: sent as protobuf, stored as sent', async () => {
    expect(await kubectlOk('create', 'namespace', 'pb-ns')).toContain('namespace/pb-ns created');
    await kubectlOk(
      'create',
      'configmap',
      'pb-cm',
      '-n',
      'dev',
      '--from-literal=greeting=hello',
      '--from-literal=empty=',
    );
    await kubectlOk('create', 'deployment', 'pb-web', '-n', 'dev', '--image=registry.example/web:1', '--replicas=0');
    expect(protobufRequests('/api/v1/namespaces').map((e) => e.status)).toEqual([201]);
    expect(protobufRequests('/api/v1/namespaces/dev/configmaps').map((e) => e.status)).toEqual([201]);
    expect(protobufRequests('/apis/apps/v1/namespaces/dev/deployments').map((e) => e.status)).toEqual([201]);
    const cm = JSON.parse(await kubectlOk('get', 'configmap', 'pb-cm', '-n', 'dev', '-o', 'json'));
    expect(cm.data).toStrictEqual({ greeting: 'hello', empty: '' });
    const d = JSON.parse(await kubectlOk('get', 'deployment', 'pb-web', '-n', 'dev', '-o', 'json'));
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.template.spec.containers[0].image).toBe('registry.example/web:1');
  });

  test('kubectl auth can-i and auth whoami: reviews sent as protobuf', async () => {
    expect((await kubectlOk('auth', 'can-i', 'patch', 'deployments', '-n', 'dev')).trim()).toBe('yes');
    expect(await kubectlOk('auth', 'whoami')).toContain('kubernetes-admin');
    expect(protobufRequests('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews').at(-1)?.status).toBe(201);
    expect(protobufRequests('/apis/authentication.k8s.io/v1/selfsubjectreviews').at(-1)?.status).toBe(201);
  });

  test('kubectl auth can-i --list prints the RBAC rules and warns that EKS access policies are not listed', async () => {
    const r = await kubectl('auth', 'can-i', '--list', '-n', 'dev');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(r.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(r.stdout).toMatch(/^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    expect(r.stderr).toContain(
      'Warning: the list may be incomplete: webhook authorizer does not support user rule resolution',
    );
    expect(protobufRequests('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews').at(-1)?.status).toBe(201);
  });

  test('a body that is not protobuf under the protobuf content type is a 400 Status, and nothing is created', async () => {
    const r = await kubeRequest(cloud.apiUrl, cloud.caPem, {
      method: 'POST',
      path: '/api/v1/namespaces/dev/configmaps',
      body: { kind: 'ConfigMap' },
      contentType: 'application/vnd.kubernetes.protobuf',
      clientCert: adminCertificate(readFileSync(cloud.kubeconfigPath, 'utf8')),
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      message:
        'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
    });
  });
});
