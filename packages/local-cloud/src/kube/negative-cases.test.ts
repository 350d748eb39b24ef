// The committed table of requests the stand-in must refuse (packages/local-cloud/test/fixtures/kube/
// negative-cases-01.yaml), run over HTTPS against a cluster without nodes, with EKS tokens
// presigned for the real STS host names and checked by the local STS (over HTTP on 127.0.0.1).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { makeEksToken, type TestTokenOptions } from '../../test/kube/eks-token-for-tests.ts';
import { adminCertificate, kubeRequest } from '../../test/kube/kube-request.ts';
import { CredentialStore } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { Iam } from '../iam/iam.ts';
import { type StsEndpoint, startSts } from '../sts/start-sts.ts';
import { findResource, type ResourceDef } from './api/resources.ts';
import { type StartedKubeCloud, startKubeCloud } from './start-kube-cloud.ts';

interface Case {
  name: string;
  as: 'admin' | 'anonymous' | 'token';
  token?: Partial<TestTokenOptions> & { identity?: 'deployer' | 'stranger' };
  request: { method: string; path: string; contentType?: string; body?: unknown; staleResourceVersion?: boolean };
  expect: { code: number; reason: string; message: string };
  authFailure?: string;
}

const fixture = new URL('../../test/fixtures/kube/negative-cases-01.yaml', import.meta.url);
const cases = (parse(readFileSync(fixture, 'utf8')) as { cases: Case[] }).cases;

const ACCOUNT = '123456789012';
let cloud: StartedKubeCloud;
let sts: StsEndpoint;
let admin: { certPem: string; keyPem: string };
let staleDeployment: unknown;
const creds: Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }> = {};

beforeAll(async () => {
  const store = new CredentialStore();
  sts = await startSts({
    iam: new Iam({ accountId: ACCOUNT }),
    store,
    verifier: new SigV4Verifier(store),
    region: 'us-east-1',
    jwks: async () => ({ keys: [] }),
  });
  for (const role of ['deployer', 'stranger']) {
    const c = store.issueTemporary(
      {
        type: 'assumed-role',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/ci`,
        accountId: ACCOUNT,
        userId: `AROA${role.toUpperCase()}:ci`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        sessionName: 'ci',
      },
      new Date(Date.now() + 3600_000),
    );
    creds[role] = {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    };
  }
  cloud = await startKubeCloud({
    clusterName: 'negative',
    node: false,
    namespaces: ['dev', 'prod'],
    sts: { url: sts.url },
    accessEntries: [{ principalArn: `arn:aws:iam::${ACCOUNT}:role/deployer`, kubernetesGroups: ['deployers'] }],
  });
  admin = adminCertificate(readFileSync(cloud.kubeconfigPath, 'utf8'));
  const api = cloud.admin.api;
  const rbac = (r: string) => findResource('rbac.authorization.k8s.io', 'v1', r) as ResourceDef;
  api.create(rbac('roles'), 'dev', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'deployer' },
    rules: [
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  api.create(rbac('rolebindings'), 'dev', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'deployers' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'deployers' }],
  });
  const deployments = findResource('apps', 'v1', 'deployments') as ResourceDef;
  const web = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'r/web@sha256:1' }] },
      },
    },
  };
  for (const ns of ['dev', 'prod']) api.create(deployments, ns, structuredClone(web));
  // A copy read now, then changed by someone else: writing it back is a stale write.
  staleDeployment = api.store.get(deployments, 'dev', 'web');
  const changed = api.store.get(deployments, 'dev', 'web') as { metadata: { labels?: Record<string, string> } };
  changed.metadata.labels = { touched: 'yes' };
  api.update(deployments, 'dev', 'web', changed);
});

afterAll(async () => {
  await cloud?.stop();
  await sts?.stop();
});

describe('requests the EKS stand-in refuses, with the real error shape', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = cloud.admin.authFailures().length;
    let token: string | undefined;
    if (c.as === 'token') {
      const identity = c.token?.identity ?? 'deployer';
      const { identity: _i, ...knobs } = c.token ?? {};
      token = await makeEksToken({
        credentials: creds[identity] ?? { accessKeyId: '', secretAccessKey: '' },
        clusterName: 'negative',
        ...knobs,
      });
    }
    const body = c.request.staleResourceVersion ? staleDeployment : c.request.body;
    const res = await kubeRequest(cloud.apiUrl, cloud.caPem, {
      method: c.request.method,
      path: c.request.path,
      ...(body !== undefined ? { body } : {}),
      ...(c.request.contentType ? { contentType: c.request.contentType } : {}),
      ...(token ? { token } : {}),
      ...(c.as === 'admin' ? { clientCert: admin } : {}),
    });
    expect(res.status).toBe(c.expect.code);
    expect(res.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: c.expect.code,
      reason: c.expect.reason,
      message: c.expect.message,
    });
    if (c.authFailure) {
      const failures = cloud.admin.authFailures().slice(before);
      expect(failures.map((f) => f.reason).join('\n')).toContain(c.authFailure);
    }
  });

  test('a well-made token of the deployer is accepted (the table fails for the right reasons)', async () => {
    const token = await makeEksToken({
      credentials: creds.deployer ?? { accessKeyId: '', secretAccessKey: '' },
      clusterName: 'negative',
      ageSeconds: 30,
    });
    const res = await kubeRequest(cloud.apiUrl, cloud.caPem, {
      method: 'GET',
      path: '/apis/apps/v1/namespaces/dev/deployments/web',
      token,
    });
    expect(res.status).toBe(200);
    const review = await kubeRequest(cloud.apiUrl, cloud.caPem, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      token,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: 'dev', verb: 'patch', group: 'apps', resource: 'deployments' } },
      },
    });
    expect(review.status).toBe(201);
    expect(review.body).toMatchObject({
      status: {
        allowed: true,
        reason:
          'RBAC: allowed by RoleBinding "deployers/dev" of Role "deployer" to User "arn:aws:sts::123456789012:assumed-role/deployer/ci"',
      },
    });
    const whoami = await kubeRequest(cloud.apiUrl, cloud.caPem, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      token,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(whoami.body).toMatchObject({
      status: {
        userInfo: {
          username: 'arn:aws:sts::123456789012:assumed-role/deployer/ci',
          groups: ['deployers', 'system:authenticated'],
        },
      },
    });
  });
});
