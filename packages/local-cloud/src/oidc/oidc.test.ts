import { get } from 'node:https';
import { getIDToken } from '@actions/core';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OidcService, startOidc } from './start-oidc.ts';

let oidc: OidcService;
beforeAll(async () => {
  oidc = await startOidc();
});
afterAll(async () => {
  await oidc.stop();
});

const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
afterEach(() => {
  for (const [name, value] of [
    ['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** GET over HTTPS trusting only the issuer's CA (what STS does with the provider's certificate). */
function getJson(url: string, ca?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, ca ? { ca } : {}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    }).on('error', reject);
  });
}

function useGrant(grant: { requestUrl: string; requestToken: string }) {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = grant.requestUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = grant.requestToken;
}

describe('OIDC issuer', () => {
  it('serves discovery and a JWKS that verifies its tokens', async () => {
    expect(oidc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await getJson(`${oidc.url}/.well-known/openid-configuration`, oidc.caPem)) as Record<
      string,
      unknown
    >;
    expect(discovery).toMatchObject({
      issuer: oidc.url,
      jwks_uri: `${oidc.url}/.well-known/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const token = await oidc.issuer.issue(
      { repository: 'octo/app', environment: 'dev' },
      { audience: 'sts.amazonaws.com' },
    );
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet((await getJson(discovery.jwks_uri as string, oidc.caPem)) as JSONWebKeySet),
      {
        issuer: oidc.url,
        audience: 'sts.amazonaws.com',
      },
    );
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: 'repo:octo/app:environment:dev',
      repository: 'octo/app',
      repository_owner: 'octo',
      environment: 'dev',
      ref: 'refs/heads/main',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    for (const claim of ['sha', 'job_workflow_ref', 'workflow_ref', 'run_id', 'nbf', 'jti'])
      expect(payload).toHaveProperty(claim);
  });

  it('answers @actions/core getIDToken with the requested audience', async () => {
    useGrant(oidc.grants.grant({ repository: 'octo/app', ref: 'refs/heads/main', sha: 'a'.repeat(40) }));
    const token = await getIDToken('sts.amazonaws.com');
    expect(decodeJwt(token)).toMatchObject({
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo/app:ref:refs/heads/main',
      sha: 'a'.repeat(40),
      iss: oidc.url,
    });
  });

  it("defaults the audience to GitHub's (the owner's URL)", async () => {
    useGrant(oidc.grants.grant({ repository: 'octo/app' }));
    expect(decodeJwt(await getIDToken()).aud).toBe('https://github.com/octo');
  });

  it('refuses a request token that does not belong to the URL', async () => {
    const grant = oidc.grants.grant({ repository: 'octo/app' });
    useGrant({
      requestUrl: grant.requestUrl,
      requestToken: oidc.grants.grant({ repository: 'octo/app' }).requestToken,
    });
    await expect(getIDToken('sts.amazonaws.com')).rejects.toThrow(/401/);
    const res = await fetch(`${grant.requestUrl}&audience=x`);
    expect(res.status).toBe(401);
  });

  it('serves the issuer over HTTPS only, with a certificate of its own CA, and each face only its routes', async () => {
    await expect(getJson(`${oidc.url}/.well-known/jwks`)).rejects.toThrow(/self-signed|unable to verify|certificate/);
    const plain = oidc.url.replace('https://', 'http://');
    await expect(fetch(`${plain}/.well-known/jwks`)).rejects.toThrow();
    expect((await fetch(`${oidc.grantsUrl}/.well-known/jwks`)).status).toBe(404);
    expect(oidc.grantsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('issues expired tokens and tokens signed by unpublished keys on request', async () => {
    const jwks = createLocalJWKSet((await getJson(`${oidc.url}/.well-known/jwks`, oidc.caPem)) as JSONWebKeySet);
    const expired = await oidc.issuer.issue({ repository: 'octo/app' }, { expired: true });
    await expect(jwtVerify(expired, jwks)).rejects.toThrow(/"exp" claim timestamp check failed/);
    const wrong = await oidc.issuer.issue({ repository: 'octo/app' }, { wrongKey: true });
    expect(decodeProtectedHeader(wrong).kid).toBe(oidc.issuer.jwks().keys[0]?.kid);
    await expect(jwtVerify(wrong, jwks)).rejects.toThrow(/signature verification failed/);
    const unknown = await oidc.issuer.issue({ repository: 'octo/app' }, { unknownKid: true });
    await expect(jwtVerify(unknown, jwks)).rejects.toThrow(/no applicable key found/);
  });

  it("speaks the workflow runner's grant protocol", async () => {
    const res = await fetch(`${oidc.grantsUrl}/id-token-grants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repository: 'octo/app', sub: 'repo:octo/app:environment:prod', environment: 'prod' }),
    });
    expect(res.status).toBe(200);
    const grant = (await res.json()) as { requestUrl: string; requestToken: string };
    useGrant(grant);
    expect(decodeJwt(await getIDToken('sts.amazonaws.com'))).toMatchObject({ sub: 'repo:octo/app:environment:prod' });
    const bad = await fetch(`${oidc.grantsUrl}/id-token-grants`, {
      method: 'POST',
      body: JSON.stringify({ sub: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: "id-token grant: 'repository' (owner/name) is required" });
  });
});
