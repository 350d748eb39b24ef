// Runs the committed table of negative cases (packages/local-cloud/test/fixtures/negative-cases.yaml): each
// request must fail with exactly the status, code and message AWS gives, in the protocol's shape.
// Requests are built and signed here (raw HTTP, @smithy/signature-v4), not through an SDK, so the
// wire shapes themselves are checked.
import { readFileSync } from 'node:fs';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { basicAuth, pushImage, tinyImage, uploadBlob } from '../../test/tiny-image.ts';
import { type LocalCloud, startLocalCloud } from './start-local-cloud.ts';

interface Expectation {
  status?: number;
  code: string;
  message?: string;
  messageMatches?: string;
  header?: Record<string, string>;
}

interface Case {
  name: string;
  service: 'sts' | 'sts-presigned' | 'ecr' | 'registry';
  action?: string;
  role?: string;
  token?: { claims?: Record<string, string>; options?: Record<string, unknown> };
  params?: Record<string, string | null>;
  credentials?: string;
  presign?: { cluster?: string; ageSeconds?: number };
  verify?: { cluster?: string };
  target?: string;
  body?: Record<string, unknown>;
  method?: string;
  path?: string;
  manifest?: { image: string; omitMediaType?: boolean; skipBlobs?: boolean };
  expect: Expectation;
}

const CASES = parse(
  readFileSync(new URL('../../test/fixtures/negative-cases.yaml', import.meta.url), 'utf8'),
) as Case[];

let cloud: LocalCloud;
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

beforeAll(async () => {
  cloud = await startLocalCloud({ kube: false, log: () => {}, pipelineIam: 'terraform-snapshot' });
  // the seed image is the account's IAM user's (Terraform's push role may push only to the example's repository)
  const password = cloud.admin.registryPassword(cloud.endpoints.credentials.accessKeyId);
  cloud.admin.ecr.createRepository({ name: 'ostock/immutable', imageTagMutability: 'IMMUTABLE' });
  cloud.admin.ecr.createRepository({ name: 'ostock/mutable' });
  const res = await pushImage(
    cloud.endpoints.registry.url,
    'ostock/immutable',
    tinyImage('seed-1'),
    'v1',
    basicAuth(password),
  );
  if (res.status !== 201) throw new Error(`setup push: ${res.status} ${await res.text()}`);
  cloud.admin.createGithubRole({
    name: 'no-login',
    subjects: ['repo:bakeline-dev/licensing-service:*'],
    policies: {
      p: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'ecr:*', Resource: '*' },
          { Effect: 'Deny', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      },
    },
  });
});
afterAll(async () => {
  await cloud?.stop();
});

function credentials(kind: string | undefined): Creds | undefined {
  switch (kind) {
    case undefined:
    case 'none':
      return undefined;
    case 'push-role':
      return cloud.admin.roleCredentials('bakeline-ecr-push', { sessionName: 'negative' });
    case 'deploy-role':
      return cloud.admin.roleCredentials('bakeline-deploy-dev', { sessionName: 'negative' });
    case 'local-user':
      return cloud.endpoints.credentials;
    case 'expired':
      return cloud.admin.roleCredentials('bakeline-ecr-push', { expiration: new Date(Date.now() - 1000) });
    case 'tampered-secret': {
      const c = cloud.admin.roleCredentials('bakeline-ecr-push');
      return {
        ...c,
        secretAccessKey: `${c.secretAccessKey.slice(0, -1)}${c.secretAccessKey.endsWith('A') ? 'B' : 'A'}`,
      };
    }
    case 'unknown-key':
      return { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    default:
      if (kind.startsWith('role:')) return cloud.admin.roleCredentials(kind.slice(5), { sessionName: 'negative' });
      throw new Error(`unknown credentials kind '${kind}'`);
  }
}

async function send(
  url: string,
  service: string,
  creds: Creds | undefined,
  headers: Record<string, string>,
  body: string,
): Promise<Response> {
  const u = new URL(url);
  let signedHeaders: Record<string, string> = { host: u.host, ...headers };
  if (creds) {
    const signer = new SignatureV4({ service, region: cloud.endpoints.region, sha256: Sha256, credentials: creds });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: u.hostname,
      port: Number(u.port),
      path: '/',
      headers: signedHeaders,
      body,
    });
    signedHeaders = signed.headers as Record<string, string>;
  }
  const { host: _host, ...rest } = signedHeaders;
  return fetch(url, { method: 'POST', headers: rest, body });
}

async function checkMessage(expectation: Expectation, message: string): Promise<void> {
  if (expectation.message !== undefined) expect(message).toBe(expectation.message);
  if (expectation.messageMatches !== undefined) expect(message).toMatch(new RegExp(expectation.messageMatches));
}

async function runSts(c: Case): Promise<void> {
  const params: Record<string, string> = { Action: c.action ?? '', Version: '2011-06-15' };
  if (c.action === 'AssumeRoleWithWebIdentity') {
    params.RoleArn = `arn:aws:iam::123456789012:role/${c.role ?? ''}`;
    params.RoleSessionName = 'negative';
    params.WebIdentityToken = await cloud.admin.issueIdToken(c.token?.claims ?? {}, c.token?.options ?? {});
  }
  for (const [k, v] of Object.entries(c.params ?? {})) {
    if (v === null) delete params[k];
    else params[k] = v;
  }
  const res = await send(
    cloud.endpoints.sts,
    'sts',
    credentials(c.credentials),
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    new URLSearchParams(params).toString(),
  );
  const text = await res.text();
  expect(res.status).toBe(c.expect.status);
  expect(res.headers.get('content-type')).toBe('text/xml');
  const m =
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>([^<]*)<\/Code><Message>([^<]*)<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>\n$/.exec(
      text,
    );
  expect(m, text).not.toBeNull();
  expect(m?.[1]).toBe(c.expect.code);
  const xmlText = (s: string) =>
    s
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  await checkMessage(c.expect, xmlText(m?.[2] ?? ''));
}

async function runPresigned(c: Case): Promise<void> {
  const creds = credentials('push-role') as Creds;
  const sts = new URL(cloud.endpoints.sts);
  const headers: Record<string, string> = { host: sts.host };
  if (c.presign?.cluster !== undefined) headers['x-k8s-aws-id'] = c.presign.cluster;
  const signer = new SignatureV4({
    service: 'sts',
    region: cloud.endpoints.region,
    sha256: Sha256,
    credentials: creds,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: sts.hostname,
      port: Number(sts.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers,
    },
    { expiresIn: 60, signingDate: new Date(Date.now() - (c.presign?.ageSeconds ?? 0) * 1000) },
  );
  const url = new URL(cloud.endpoints.sts);
  for (const [k, v] of Object.entries(presigned.query ?? {})) url.searchParams.set(k, String(v));
  const error = await cloud.admin.sts
    .verifyPresignedGetCallerIdentity(url, {
      headers: c.verify?.cluster !== undefined ? { 'x-k8s-aws-id': c.verify.cluster } : {},
    })
    .then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
  expect(error?.code).toBe(c.expect.code);
  await checkMessage(c.expect, error?.message ?? '');
}

async function runEcr(c: Case): Promise<void> {
  const body = { ...(c.body ?? {}) };
  if (typeof body.imageManifest === 'object' && body.imageManifest !== null) {
    body.imageManifest = tinyImage((body.imageManifest as { image: string }).image).manifest.toString();
  }
  const res = await send(
    cloud.endpoints.ecr,
    'ecr',
    credentials(c.credentials),
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${c.target ?? ''}`,
    },
    JSON.stringify(body),
  );
  expect(res.status).toBe(c.expect.status);
  expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
  const json = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(json).sort()).toEqual(['__type', 'message']);
  expect(json.__type).toBe(c.expect.code);
  await checkMessage(c.expect, String(json.message));
}

async function runRegistry(c: Case): Promise<void> {
  const registry = cloud.endpoints.registry.url;
  const headers: Record<string, string> = {};
  const kind = c.credentials ?? 'none';
  if (kind === 'invalid-password') headers.authorization = basicAuth('bm90LWlzc3VlZA==');
  else if (kind === 'expired-password') {
    const creds = credentials('push-role') as Creds;
    headers.authorization = basicAuth(
      cloud.admin.registryPassword(creds.accessKeyId, { expiresAt: new Date(Date.now() - 1000) }),
    );
  } else if (kind !== 'none') {
    const creds = credentials(kind) as Creds;
    headers.authorization = basicAuth(cloud.admin.registryPassword(creds.accessKeyId));
  }
  let body: Uint8Array | undefined;
  if (c.manifest) {
    const image = tinyImage(c.manifest.image, { omitMediaType: c.manifest.omitMediaType === true });
    const repository = /^\/v2\/(.+)\/manifests\//.exec(c.path ?? '')?.[1] ?? '';
    if (c.manifest.skipBlobs !== true) {
      // the blobs go up as the account's IAM user (Terraform's push role may push only to the example's repository)
      const push = cloud.admin.registryPassword(cloud.endpoints.credentials.accessKeyId);
      for (const b of [image.config, ...image.layers]) await uploadBlob(registry, repository, b, basicAuth(push));
    }
    body = new Uint8Array(image.manifest);
    headers['content-type'] = image.mediaType;
  }
  const res = await fetch(`${registry}${c.path ?? '/'}`, {
    method: c.method ?? 'GET',
    headers,
    ...(body ? { body } : {}),
  });
  expect(res.status).toBe(c.expect.status);
  for (const [name, value] of Object.entries(c.expect.header ?? {})) {
    expect(res.headers.get(name)).toBe(value.replace('{registry}', registry));
  }
  const json = (await res.json()) as { errors: { code: string; message: string }[] };
  expect(json.errors.length).toBeGreaterThanOrEqual(1);
  for (const error of json.errors) expect(error.code).toBe(c.expect.code);
  await checkMessage(c.expect, json.errors[0]?.message ?? '');
}

describe('negative cases (packages/local-cloud/test/fixtures/negative-cases.yaml)', () => {
  test('the table covers every protocol', () => {
    expect(new Set(CASES.map((c) => c.service))).toEqual(new Set(['sts', 'sts-presigned', 'ecr', 'registry']));
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES.map((c) => [`${c.service}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    if (c.service === 'sts') await runSts(c);
    else if (c.service === 'sts-presigned') await runPresigned(c);
    else if (c.service === 'ecr') await runEcr(c);
    else await runRegistry(c);
  });
});
