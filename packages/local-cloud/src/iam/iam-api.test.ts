// The IAM API over HTTP, signed as the SDKs sign it: each action the Terraform provider makes,
// its refusals with IAM's codes, statuses and messages, and what the stand-in does not implement.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, type StoredCredentials } from '../aws/credential-store.ts';
import { SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { listen, type StartedServer } from '../http/server.ts';
import { Iam } from './iam.ts';
import { IamApi } from './iam-api.ts';

const ACCOUNT = '123456789012';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:dev' } },
    },
  ],
});
const ECR_READ = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' }],
});

let iam: Iam;
let server: StartedServer;
let admin: StoredCredentials;
let reader: StoredCredentials;

beforeAll(async () => {
  iam = new Iam({ accountId: ACCOUNT });
  const store = new CredentialStore();
  const principal = (name: string) => {
    const user = iam.getUser(name);
    if (!user) throw new Error(name);
    return { type: 'user' as const, arn: user.arn, accountId: ACCOUNT, userId: user.userId };
  };
  iam.createUser({
    name: 'admin',
    policies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } },
  });
  iam.createUser({ name: 'reader', policies: { read: ECR_READ } });
  admin = store.createAccessKey(principal('admin'));
  reader = store.createAccessKey(principal('reader'));
  server = await listen(new IamApi({ iam, verifier: new SigV4Verifier(store) }).handler());
});
afterAll(async () => {
  await server.close();
});

/** A signed form POST of `action` with `params`; the status and IAM's XML answer. */
async function call(action: string, params: Record<string, string> = {}, creds = admin, version = '2010-05-08') {
  const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString();
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    sha256: Sha256,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    path: '/',
    headers: { host: server.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const res = await fetch(`${server.url}/`, { method: 'POST', headers: signed.headers, body });
  return { status: res.status, text: await res.text() };
}

const code = (text: string) => /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
const message = (text: string) =>
  /<Message>([^<]*)<\/Message>/
    .exec(text)?.[1]
    ?.replaceAll('&apos;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

describe('roles', () => {
  it('creates, reads back the URL-encoded trust policy, tags, updates and deletes a role', async () => {
    const created = await call('CreateRole', {
      RoleName: 'deploy-dev',
      AssumeRolePolicyDocument: TRUST,
      MaxSessionDuration: '3600',
      'Tags.member.1.Key': 'env',
      'Tags.member.1.Value': 'dev',
    });
    expect(created.status, created.text).toBe(200);
    expect(created.text).toContain(`<Arn>arn:aws:iam::${ACCOUNT}:role/deploy-dev</Arn>`);
    const got = await call('GetRole', { RoleName: 'deploy-dev' });
    const encoded = /<AssumeRolePolicyDocument>([^<]+)</.exec(got.text)?.[1] ?? '';
    expect(JSON.parse(decodeURIComponent(encoded))).toEqual(JSON.parse(TRUST));
    expect(got.text).toContain('<Tags><member><Key>env</Key><Value>dev</Value></member></Tags>');

    expect(
      (await call('TagRole', { RoleName: 'deploy-dev', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'b' }))
        .status,
    ).toBe(200);
    expect((await call('UntagRole', { RoleName: 'deploy-dev', 'TagKeys.member.1': 'env' })).status).toBe(200);
    expect(
      (await call('UpdateRole', { RoleName: 'deploy-dev', MaxSessionDuration: '7200', Description: 'd' })).status,
    ).toBe(200);
    const updated = await call('GetRole', { RoleName: 'deploy-dev' });
    expect(updated.text).toContain('<MaxSessionDuration>7200</MaxSessionDuration>');
    expect(updated.text).toContain('<Tags><member><Key>team</Key><Value>b</Value></member></Tags>');

    expect(
      (await call('PutRolePolicy', { RoleName: 'deploy-dev', PolicyName: 'ecr', PolicyDocument: ECR_READ })).status,
    ).toBe(200);
    expect((await call('ListRolePolicies', { RoleName: 'deploy-dev' })).text).toContain(
      '<PolicyNames><member>ecr</member></PolicyNames>',
    );
    const inline = await call('GetRolePolicy', { RoleName: 'deploy-dev', PolicyName: 'ecr' });
    expect(JSON.parse(decodeURIComponent(/<PolicyDocument>([^<]+)</.exec(inline.text)?.[1] ?? ''))).toEqual(
      JSON.parse(ECR_READ),
    );

    const conflict = await call('DeleteRole', { RoleName: 'deploy-dev' });
    expect(conflict.status).toBe(409);
    expect(code(conflict.text)).toBe('DeleteConflict');
    expect(message(conflict.text)).toBe('Cannot delete entity, must delete policies first.');
    expect((await call('DeleteRolePolicy', { RoleName: 'deploy-dev', PolicyName: 'ecr' })).status).toBe(200);
    expect((await call('ListInstanceProfilesForRole', { RoleName: 'deploy-dev' })).text).toContain(
      '<InstanceProfiles></InstanceProfiles>',
    );
    expect((await call('DeleteRole', { RoleName: 'deploy-dev' })).status).toBe(200);
    const gone = await call('GetRole', { RoleName: 'deploy-dev' });
    expect(gone.status).toBe(404);
    expect(code(gone.text)).toBe('NoSuchEntity');
    expect(message(gone.text)).toBe('The role with name deploy-dev cannot be found.');
  });

  it('refuses a duplicate role, a malformed trust policy and a bad session duration', async () => {
    await call('CreateRole', { RoleName: 'dup', AssumeRolePolicyDocument: TRUST });
    const dup = await call('CreateRole', { RoleName: 'dup', AssumeRolePolicyDocument: TRUST });
    expect([dup.status, code(dup.text), message(dup.text)]).toEqual([
      409,
      'EntityAlreadyExists',
      'Role with name dup already exists.',
    ]);
    const malformed = await call('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: '{"Statement": 1}' });
    expect([malformed.status, code(malformed.text)]).toEqual([400, 'MalformedPolicyDocument']);
    const long = await call('UpdateRole', { RoleName: 'dup', MaxSessionDuration: '50000' });
    expect([long.status, code(long.text)]).toEqual([400, 'ValidationError']);
    const missing = await call('GetRole', {});
    expect(code(missing.text)).toBe('ValidationError');
    expect(message(missing.text)).toContain(
      "Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('OIDC providers', () => {
  it('creates one, answers its URL without the scheme, updates and deletes it', async () => {
    const created = await call('CreateOpenIDConnectProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      'ClientIDList.member.1': 'sts.amazonaws.com',
      'ThumbprintList.member.1': '6938fd4d98bab03faadb97b34396831e3780aea1',
    });
    expect(created.status, created.text).toBe(200);
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    expect(created.text).toContain(`<OpenIDConnectProviderArn>${arn}</OpenIDConnectProviderArn>`);
    const got = await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    expect(got.text).toContain('<Url>token.actions.githubusercontent.com</Url>');
    expect(got.text).toContain('<ClientIDList><member>sts.amazonaws.com</member></ClientIDList>');
    await call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: 'other' });
    await call('TagOpenIDConnectProvider', {
      OpenIDConnectProviderArn: arn,
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'v',
    });
    const again = await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    expect(again.text).toContain('<member>other</member>');
    expect(again.text).toContain('<Key>k</Key>');

    const dup = await call('CreateOpenIDConnectProvider', { Url: 'https://token.actions.githubusercontent.com' });
    expect([dup.status, code(dup.text)]).toEqual([409, 'EntityAlreadyExists']);
    const thumb = await call('UpdateOpenIDConnectProviderThumbprint', {
      OpenIDConnectProviderArn: arn,
      'ThumbprintList.member.1': 'abc',
    });
    expect([thumb.status, code(thumb.text)]).toEqual([400, 'ValidationError']);
    const http = await call('CreateOpenIDConnectProvider', { Url: 'http://insecure.example' });
    expect(code(http.text)).toBe('InvalidInput');

    expect((await call('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn })).status).toBe(200);
    const gone = await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    expect([gone.status, code(gone.text), message(gone.text)]).toEqual([
      404,
      'NoSuchEntity',
      `OpenIDConnect Provider not found for arn ${arn}`,
    ]);
  });
});

describe('managed policies and attachments', () => {
  it('attaches a policy whose default version the evaluation then honours, and guards deletion', async () => {
    await call('CreateRole', { RoleName: 'puller', AssumeRolePolicyDocument: TRUST });
    const created = await call('CreatePolicy', { PolicyName: 'pull', PolicyDocument: ECR_READ });
    expect(created.status, created.text).toBe(200);
    const arn = `arn:aws:iam::${ACCOUNT}:policy/pull`;
    const role = `arn:aws:iam::${ACCOUNT}:role/puller`;
    expect(iam.evaluate(role, 'ecr:BatchGetImage', '*')).toBe('deny');
    expect((await call('AttachRolePolicy', { RoleName: 'puller', PolicyArn: arn })).status).toBe(200);
    expect(iam.evaluate(role, 'ecr:BatchGetImage', '*')).toBe('allow');
    expect((await call('ListAttachedRolePolicies', { RoleName: 'puller' })).text).toContain(
      `<PolicyArn>${arn}</PolicyArn>`,
    );
    expect((await call('GetPolicy', { PolicyArn: arn })).text).toContain('<AttachmentCount>1</AttachmentCount>');

    const attached = await call('DeletePolicy', { PolicyArn: arn });
    expect([attached.status, code(attached.text), message(attached.text)]).toEqual([
      409,
      'DeleteConflict',
      'Cannot delete a policy attached to entities.',
    ]);
    for (let i = 0; i < 4; i++) {
      expect(
        (await call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: ECR_READ, SetAsDefault: 'true' })).status,
      ).toBe(200);
    }
    const sixth = await call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: ECR_READ });
    expect([sixth.status, code(sixth.text)]).toEqual([409, 'LimitExceeded']);
    const version = await call('GetPolicyVersion', { PolicyArn: arn, VersionId: 'v5' });
    expect(version.text).toContain('<IsDefaultVersion>true</IsDefaultVersion>');
    const defaultDelete = await call('DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v5' });
    expect(message(defaultDelete.text)).toBe('Cannot delete the default version of a policy.');

    await call('DetachRolePolicy', { RoleName: 'puller', PolicyArn: arn });
    expect(iam.evaluate(role, 'ecr:BatchGetImage', '*')).toBe('deny');
    for (const v of ['v1', 'v2', 'v3', 'v4']) await call('DeletePolicyVersion', { PolicyArn: arn, VersionId: v });
    expect((await call('DeletePolicy', { PolicyArn: arn })).status).toBe(200);
    const gone = await call('GetPolicy', { PolicyArn: arn });
    expect([gone.status, message(gone.text)]).toEqual([404, `Policy ${arn} does not exist or is not attachable.`]);
  });
});

describe('what the stand-in refuses', () => {
  it('names an action it does not implement', async () => {
    const r = await call('CreateInstanceProfile', { InstanceProfileName: 'x' });
    expect([r.status, code(r.text)]).toEqual([400, 'InvalidAction']);
    expect(message(r.text)).toContain('CreateInstanceProfile');
  });

  it('names a parameter it does not implement instead of ignoring it', async () => {
    const r = await call('CreateRole', {
      RoleName: 'bounded',
      AssumeRolePolicyDocument: TRUST,
      PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
    });
    expect(code(r.text)).toBe('InvalidInput');
    expect(message(r.text)).toBe('CreateRole: parameter PermissionsBoundary is not supported by the local IAM');
    expect(iam.getRole('bounded')).toBeUndefined();
  });

  it('refuses another API version, an unauthorized caller and a bad signature', async () => {
    expect(code((await call('GetRole', { RoleName: 'dup' }, admin, '2011-06-15')).text)).toBe('InvalidAction');
    const denied = await call('CreateRole', { RoleName: 'sneaky', AssumeRolePolicyDocument: TRUST }, reader);
    expect([denied.status, code(denied.text)]).toEqual([403, 'AccessDenied']);
    expect(message(denied.text)).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/sneaky because no identity-based policy allows the iam:CreateRole action`,
    );
    const forged = await call('GetRole', { RoleName: 'dup' }, { ...admin, secretAccessKey: 'wrong' });
    expect([forged.status, code(forged.text)]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('answers GetUser for the calling user, as the Terraform provider asks at start', async () => {
    const r = await call('GetUser');
    expect(r.text).toContain(`<Arn>arn:aws:iam::${ACCOUNT}:user/admin</Arn>`);
  });
});
